# 1 vCPU with 4 GiB
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-pass.sentinel"
  }
}

test {
  rules = {
    main = true
    fargate_cpu_allowed = true
    fargate_memory_allowed = true
  }
}
