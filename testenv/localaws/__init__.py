"""Local AWS test harness: moto in server mode with SigV4 checking, plus an AWS Backup stand-in."""
