import ManifestKit

print("manifest-worker: not yet implemented")
