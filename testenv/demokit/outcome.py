"""What a finished run left behind: its report set in S3 and SNS message (read and
printed), and the proof that cleanup removed every temporary resource while production
stayed as it was."""

from __future__ import annotations

import json

from .world import BUCKET, PRODUCTION_TAGS, RESTORED_FAMILY, TOPIC


def sns_messages(harness, topic_arn: str) -> list:
    return [m for m in harness.control("GET", "/_harness/sns/published")["messages"] if m["topicArn"] == topic_arn]


def read(harness, world, run_id: str) -> dict:
    """``report`` and ``summary`` (None when the run produced no diff), ``page`` (report.html,
    which every run has) and ``sns``."""
    s3 = harness.client("s3")
    prefix = f"runs/{world.fs}/{run_id}/"

    def get(key: str) -> bytes | None:
        try:
            return s3.get_object(Bucket=BUCKET, Key=prefix + key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            return None

    report, summary = get("report.json"), get("summary.txt")
    return {"report": json.loads(report) if report is not None else None,
            "summary": summary.decode() if summary is not None else None,
            "summaryKey": f"s3://{BUCKET}/{prefix}summary.txt",
            "page": get("report.html"), "pageKey": f"s3://{BUCKET}/{prefix}report.html",
            "sns": sns_messages(harness, world.topic_arn)}


def print_outcome(outcome: dict) -> None:
    if outcome["summary"] is not None:
        print(f"---- {outcome['summaryKey']} ----")
        print(outcome["summary"].rstrip())
    for message in outcome["sns"]:
        print(f"---- SNS {TOPIC}: {message['subject']} ----")
        print(message["message"].rstrip())
    print("----")


def cleanup_proof(harness, world, tasks: list, production_unchanged: bool) -> dict:
    """What is left in EFS and ECS; ``clean`` when only production remains, unchanged."""
    efs, ecs = harness.client("efs"), harness.client("ecs")
    systems = {fs["FileSystemId"]: fs for fs in efs.describe_file_systems()["FileSystems"]}
    proof = {
        "temporaryFileSystems": sorted(set(systems) - {world.fs}),
        "accessPoints": [ap["AccessPointId"] for ap in efs.describe_access_points()["AccessPoints"]],
        "mountTargets": [mt["MountTargetId"] for fs in systems
                         for mt in efs.describe_mount_targets(FileSystemId=fs)["MountTargets"]],
        "activeRestoredRevisions": ecs.list_task_definitions(familyPrefix=RESTORED_FAMILY, status="ACTIVE")["taskDefinitionArns"],
        "runningTasks": [t["taskArn"] for t in tasks if t["lastStatus"] != "STOPPED"],
        "productionFileSystemExists": world.fs in systems,
        "productionTags": {t["Key"]: t["Value"] for t in systems.get(world.fs, {}).get("Tags", [])},
        "productionUnchanged": production_unchanged,
    }
    leftovers = ("temporaryFileSystems", "accessPoints", "mountTargets", "activeRestoredRevisions", "runningTasks")
    proof["clean"] = (not any(proof[key] for key in leftovers) and proof["productionFileSystemExists"]
                      and production_unchanged and proof["productionTags"] == PRODUCTION_TAGS)
    return proof


def describe_proof(proof: dict, fs: str) -> str:
    production = "present and untouched" if proof["productionUnchanged"] and proof["productionFileSystemExists"] else "CHANGED"
    return (f"cleanup: temporary file systems {len(proof['temporaryFileSystems'])}, access points "
            f"{len(proof['accessPoints'])}, mount targets {len(proof['mountTargets'])}, active {RESTORED_FAMILY} "
            f"revisions {len(proof['activeRestoredRevisions'])}, running tasks {len(proof['runningTasks'])}; "
            f"production {fs} {production}")
