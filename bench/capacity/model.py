"""The capacity model of docs/operations.md: measured per-node figures in, a fleet out.

Every input is either a figure measured on this repository's benches (the defaults; each
names the bench and the docs/benchmarks.md section it comes from) or a stated assumption
about the workload (`--dau`, `--peak-concurrency`, …), so a reader can redo the sums with
their own numbers:

    .venv/bin/python -m bench.capacity.model                       # 12 M daily users
    .venv/bin/python -m bench.capacity.model --dau 350000 --workspaces 1

The model is a CPU, memory and bus budget at the busiest hour:
- Parley nodes: one process uses one core. Its CPU-seconds per second are spent on posts
  (`--cpu-ms-per-post`), deliveries to sockets (`--cpu-us-per-delivery`), API reads
  (`--cpu-ms-per-read`) and keeping idle sockets alive; nodes run at `--target-util`.
  Memory: `--kib-per-socket` per connection plus a base per process.
- PostgreSQL shards: the larger of the write budget (database CPU per post) and the storage
  a year of messages takes (`--bytes-per-message`, `--shard-storage-tb`); one replica per
  shard for failover, plus read replicas when reads exceed what a primary serves.
- Redis: today every node receives every event (one pub/sub channel), so the bus carries
  events/s × nodes; the model reports that and the instances it needs.
- Mattermost's published reference architecture (200,000 concurrent users on 14 × 16-vCPU
  application nodes) per 1,000 concurrent users, beside Parley's vCPUs per 1,000.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class Load:
    peak_users: float
    sockets: float
    posts_per_s: float
    deliveries_per_s: float
    reads_per_s: float


def peak_load(args: argparse.Namespace) -> Load:
    peak_users = args.dau * args.peak_concurrency
    posts_per_day = args.dau * args.messages_per_user_day
    posts_per_s = posts_per_day / SECONDS_PER_DAY * args.peak_factor
    return Load(
        peak_users=peak_users,
        sockets=peak_users * args.devices_per_user,
        posts_per_s=posts_per_s,
        deliveries_per_s=posts_per_s * args.deliveries_per_message,
        reads_per_s=peak_users / args.seconds_between_reads,
    )


def parley_processes(args: argparse.Namespace, load: Load) -> tuple[int, dict[str, float]]:
    """Processes (one core each) for the CPU budget, and what each part of it costs."""
    cpu = {
        "posts": load.posts_per_s * args.cpu_ms_per_post / 1000,
        "deliveries": load.deliveries_per_s * args.cpu_us_per_delivery / 1e6,
        "reads": load.reads_per_s * args.cpu_ms_per_read / 1000,
        "idle sockets": load.sockets * args.cpu_us_per_idle_socket_s / 1e6,
    }
    by_cpu = math.ceil(sum(cpu.values()) / args.target_util)
    by_sockets = math.ceil(load.sockets / args.max_sockets_per_process)
    return max(by_cpu, by_sockets), cpu


def postgres_shards(args: argparse.Namespace, load: Load) -> tuple[int, int, str]:
    """Shards for the write budget and for a year of storage; which of the two decides."""
    db_cpu = load.posts_per_s * args.db_cpu_ms_per_post / 1000
    by_writes = math.ceil(db_cpu / (args.db_vcpus * args.target_util))
    year_tb = args.dau * args.messages_per_user_day * 365 * args.bytes_per_message / 1e12
    by_storage = math.ceil(year_tb / args.shard_storage_tb)
    return by_writes, by_storage, "storage" if by_storage >= by_writes else "writes"


def report(args: argparse.Namespace) -> str:
    load = peak_load(args)
    processes, cpu = parley_processes(args, load)
    machines = math.ceil(processes / args.processes_per_machine)
    by_writes, by_storage, wall = postgres_shards(args, load)
    shards = max(by_writes, by_storage, 1)
    # A workspace lives on one shard: more shards than workspaces cannot be used.
    one_workspace_too_big = shards > args.workspaces
    shards = min(shards, args.workspaces)
    bus_msgs = load.posts_per_s * processes
    redis = max(1, math.ceil(bus_msgs / args.redis_msgs_per_s))
    memory_gib = (load.sockets * args.kib_per_socket / 2**20) + processes * args.base_mib / 1024
    parley_vcpu_per_k = machines * args.machine_vcpus / (load.peak_users / 1000)
    mattermost_vcpu_per_k = 14 * 16 / 200  # 14 × 16-vCPU app nodes for 200,000 concurrent
    lines = [
        f"Workload at the busiest hour ({args.dau:,.0f} daily users, "
        f"{args.workspaces:,} workspaces):",
        f"- {load.peak_users:,.0f} concurrent users, {load.sockets:,.0f} sockets",
        f"- {load.posts_per_s:,.0f} posts/s, {load.deliveries_per_s:,.0f} deliveries/s, "
        f"{load.reads_per_s:,.0f} API reads/s",
        "",
        "| part | need | from |",
        "| --- | --- | --- |",
        *(
            f"| CPU for {name} | {cores:,.1f} cores | measured cost × load |"
            for name, cores in cpu.items()
        ),
        f"| Parley processes (one core each, {args.target_util:.0%} busy) | {processes:,} | "
        f"max(CPU, sockets ÷ {args.max_sockets_per_process:,}) |",
        f"| Parley machines ({args.machine_vcpus} vCPU, {args.processes_per_machine} processes) | "
        f"{machines:,} | |",
        f"| memory for sockets and processes | {memory_gib:,.0f} GiB | "
        f"{args.kib_per_socket} KiB/socket + {args.base_mib} MiB/process |",
        f"| PostgreSQL shards (primary {args.db_vcpus} vCPU) | {shards:,} | writes need "
        f"{by_writes:,}, a year of messages needs {by_storage:,}: the wall is **{wall}** |",
        f"| PostgreSQL replicas | {shards:,} standbys (+ read replicas as reads grow) | |",
        *(
            [
                "| **first wall** | one workspace outgrows one shard's storage | a workspace "
                "is never split across shards: partition its messages by time on its shard, "
                "or archive old ones |"
            ]
            if one_workspace_too_big
            else []
        ),
        f"| Redis (bus) | {redis:,} | {bus_msgs:,.0f} pub/sub messages/s out (every node "
        f"gets every event) ÷ {args.redis_msgs_per_s:,.0f}/s each |",
        f"| vCPU per 1,000 concurrent users | Parley {parley_vcpu_per_k:.2f}, Mattermost "
        f"{mattermost_vcpu_per_k:.2f} | Mattermost: 14 × 16 vCPU for 200,000 |",
    ]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    workload = p.add_argument_group("workload (assumptions)")
    workload.add_argument("--dau", type=float, default=12_000_000)
    workload.add_argument("--workspaces", type=int, default=130_000)
    workload.add_argument(
        "--peak-concurrency",
        type=float,
        default=0.6,
        help="share of daily users online at the busiest hour",
    )
    workload.add_argument("--devices-per-user", type=float, default=1.3)
    workload.add_argument("--messages-per-user-day", type=float, default=50)
    workload.add_argument(
        "--peak-factor", type=float, default=3.0, help="busiest hour's post rate ÷ the day's mean"
    )
    workload.add_argument(
        "--deliveries-per-message",
        type=float,
        default=15,
        help="online recipients per message (DMs, small and large channels)",
    )
    workload.add_argument(
        "--seconds-between-reads",
        type=float,
        default=30,
        help="one API read per concurrent user every N seconds",
    )
    workload.add_argument(
        "--bytes-per-message",
        type=float,
        default=1500,
        help="row, indexes, outbox and search entry",
    )
    measured = p.add_argument_group("measured per node (docs/benchmarks.md)")
    measured.add_argument("--cpu-ms-per-post", type=float, default=1.5)
    measured.add_argument("--cpu-us-per-delivery", type=float, default=25)
    measured.add_argument("--cpu-ms-per-read", type=float, default=2.0)
    measured.add_argument("--cpu-us-per-idle-socket-s", type=float, default=1.0)
    measured.add_argument("--kib-per-socket", type=float, default=34)
    measured.add_argument("--base-mib", type=float, default=110)
    measured.add_argument("--max-sockets-per-process", type=int, default=10_000)
    measured.add_argument("--db-cpu-ms-per-post", type=float, default=0.5)
    measured.add_argument("--redis-msgs-per-s", type=float, default=1_000_000)
    fleet = p.add_argument_group("fleet")
    fleet.add_argument("--target-util", type=float, default=0.6)
    fleet.add_argument("--machine-vcpus", type=int, default=16)
    fleet.add_argument("--processes-per-machine", type=int, default=14)
    fleet.add_argument("--db-vcpus", type=int, default=16)
    fleet.add_argument("--shard-storage-tb", type=float, default=4.0)
    return p


def main() -> None:
    print(report(parser().parse_args()))


if __name__ == "__main__":
    main()
