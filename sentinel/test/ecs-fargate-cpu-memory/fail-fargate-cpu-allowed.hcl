# 1000 CPU units is no Fargate size
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-fail-fargate-cpu-allowed.sentinel"
  }
}

test {
  rules = {
    main = false
    fargate_cpu_allowed = false
  }
}
