# IAM authorization off
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-efs-iam-authorization.sentinel"
  }
}

test {
  rules = {
    main = false
    efs_iam_authorization = false
  }
}
