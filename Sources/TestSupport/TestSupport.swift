/// Test-only helpers shared by the test targets (a loopback HTTP server, process runners).
public enum TestSupport {}
