# 0.25 vCPU with 512 MiB
mock "tfplan/v2" {
  module {
    source = "mock-tfplan-pass-smallest.sentinel"
  }
}

test {
  rules = {
    main = true
    fargate_cpu_allowed = true
    fargate_memory_allowed = true
  }
}
