variable "name" {
  description = "Name prefix of the security groups and endpoints."
  type        = string
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the interface endpoints (one per AZ)."
  type        = list(string)
}

variable "production_mount_target_security_group_id" {
  description = "Security group of production's mount targets; when set, it gets an inbound TCP 2049 rule from the task group."
  type        = string
  default     = null
}

variable "vpc_endpoints" {
  description = "Endpoints for subnets without NAT: an S3 gateway on route_table_ids and interface endpoints."
  type = object({
    enabled         = optional(bool, false)
    route_table_ids = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = !var.vpc_endpoints.enabled || length(var.vpc_endpoints.route_table_ids) > 0
    error_message = "vpc_endpoints.route_table_ids must name the subnets' route tables when endpoints are enabled (the S3 gateway endpoint needs them)."
  }
}

variable "interface_endpoint_services" {
  description = "Services given interface endpoints when vpc_endpoints.enabled."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "sns", "backup", "elasticfilesystem", "ecs", "sts"]
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}
