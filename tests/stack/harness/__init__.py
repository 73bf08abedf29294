"""The local stack's harness: moto + emulated ECS/ALB/awslogs around real task processes.

Entry points live one folder up (stackctl, fault, gen-template); this package holds
the daemon (stackd) and its parts. See tests/stack/README.md.
"""
