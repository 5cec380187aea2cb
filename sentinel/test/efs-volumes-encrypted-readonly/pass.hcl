# production through an access point: TLS, IAM, mounted read-only (a non-EFS scratch volume is writable)
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-pass.sentinel"
  }
}

test {
  rules = {
    main = true
    efs_transit_encryption = true
    efs_iam_authorization = true
    efs_mounts_read_only = true
  }
}
