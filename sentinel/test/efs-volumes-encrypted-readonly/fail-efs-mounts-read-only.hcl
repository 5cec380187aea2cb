# the production volume mounted writable
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-efs-mounts-read-only.sentinel"
  }
}

test {
  rules = {
    main = false
    efs_mounts_read_only = false
  }
}
