/// The orchestrator's logic: Lambda runtime loop, event decoding, run store, steps.
/// The `orchestrator` executable is a thin `main.swift` over this library.
public enum OrchestratorKit {}
