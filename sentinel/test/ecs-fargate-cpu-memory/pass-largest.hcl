# 16 vCPU with 120 GiB
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-pass-largest.sentinel"
  }
}

test {
  rules = {
    main = true
    fargate_cpu_allowed = true
    fargate_memory_allowed = true
  }
}
