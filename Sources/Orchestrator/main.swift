import ManifestKit
import AWSLite

print("orchestrator: not yet implemented")
