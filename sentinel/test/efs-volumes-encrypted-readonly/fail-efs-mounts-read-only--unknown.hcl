# container definitions not known until apply: cannot be verified
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-efs-mounts-read-only--unknown.sentinel"
  }
}

test {
  rules = {
    main = false
    efs_mounts_read_only = false
  }
}
