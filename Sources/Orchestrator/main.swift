import OrchestratorKit

print("orchestrator: not yet implemented")
