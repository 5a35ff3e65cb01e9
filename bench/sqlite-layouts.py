#!/usr/bin/env python3
"""SQLite alone: the row layouts the flow store and webhook processing write, old against new (bench/README.md).

    python3 bench/sqlite-layouts.py        results in bench/results/sqlite-layouts-<UTC timestamp>.md

1. The flow journal: rows with a GUID key, an index on it and one on (InstanceId, Sequence), against the same rows
   stored in the order of the key (InstanceId, Sequence, Id) WITHOUT ROWID. 100,000 runs of 4 entries, 500 runs a
   transaction, v7-style ids; rows are built before the clock starts.
2. Webhook deliveries: the body (850 bytes) in the delivery's row, against the body in a table of its own. 200,000
   deliveries stored, then claimed, read back with their bodies and marked processed 400 at a time, as the processor
   does; the log's size is summed between checkpoints.

Both run twice, in alternating order, on files in /tmp (journal_mode WAL, synchronous NORMAL). Python's own overhead is
the same on both sides; compare the two sides of a row, not the figures with the app's.
"""
import datetime, json, os, random, sqlite3, time, uuid

JOURNAL_COLUMNS = ('"InstanceId" TEXT NOT NULL, "Sequence" INTEGER NOT NULL, "Id" TEXT NOT NULL, "Activation" INTEGER NOT NULL, '
                   '"ActivityType" TEXT NULL, "At" TEXT NOT NULL, "Attempt" INTEGER NOT NULL, "Error" TEXT NULL, "Inputs" TEXT NULL, '
                   '"Kind" TEXT NOT NULL, "NodeId" TEXT NULL, "Outcome" TEXT NOT NULL, "Port" TEXT NULL, "Resumed" INTEGER NOT NULL')
DELIVERY_COLUMNS = ('"Id" TEXT NOT NULL PRIMARY KEY, "Channel" TEXT NOT NULL, "DedupeKey" TEXT NOT NULL, "ContentType" TEXT, '
                    '"ReceivedAt" TEXT NOT NULL, "TraceParent" TEXT, "State" TEXT NOT NULL, "Attempts" INTEGER NOT NULL, '
                    '"LockedUntil" TEXT, "LockedBy" TEXT, "ProcessedAt" TEXT, "Error" TEXT')


def fresh(name):
    path = f"/tmp/sqlite-layouts-{name}.db"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return path, db


def v7(ms):
    bits = random.getrandbits(74)
    return f"{ms:012x}7{(bits >> 62) & 0xfff:03x}{(bits & ((1 << 62) - 1)) | (1 << 63):016x}"


def journal(layout, runs=100_000, per_commit=500):
    path, db = fresh(f"journal-{layout}")
    if layout == "old":
        db.execute(f'CREATE TABLE "FlowJournal" ({JOURNAL_COLUMNS}, CONSTRAINT "PK" PRIMARY KEY ("Id"))')
        db.execute('CREATE INDEX "IX" ON "FlowJournal" ("InstanceId", "Sequence")')
    else:
        db.execute(f'CREATE TABLE "FlowJournal" ({JOURNAL_COLUMNS}, CONSTRAINT "PK" PRIMARY KEY ("InstanceId", "Sequence", "Id")) WITHOUT ROWID')
    start = int(time.time() * 1000)
    inputs = json.dumps({"assignTo": "team", "team": "Support", "onlyIfUnassigned": "false", "assigned": "agent none, team " + str(uuid.uuid4())})
    batches = []
    for b in range(runs // per_commit):
        rows = []
        for r in range(per_commit):
            ms = start + (b * per_commit + r) // 5
            instance = v7(ms)
            for sequence in range(1, 5):
                rows.append((instance, sequence, str(uuid.UUID(hex=v7(ms))), sequence, "conversation.assign", "2026-11-29 05:00:00.1234567",
                             0, None, inputs, "Step", "assign-support", "Continued", "done", 0))
        batches.append(rows)
    began = time.perf_counter()
    for rows in batches:
        db.execute("BEGIN")
        db.executemany('INSERT INTO "FlowJournal" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)', rows)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - began
    db.close()
    return runs * 4 / elapsed, os.path.getsize(path) / runs


def deliveries(layout, count=200_000, per_claim=400):
    path, db = fresh(f"deliveries-{layout}")
    db.execute("PRAGMA wal_autocheckpoint=0")
    body_column = ', "Payload" BLOB NOT NULL' if layout == "old" else ""
    db.execute(f'CREATE TABLE "InboundEvents" ({DELIVERY_COLUMNS}{body_column})')
    if layout == "new":
        db.execute('CREATE TABLE "InboundEventBodies" ("Id" TEXT NOT NULL PRIMARY KEY, "Payload" BLOB NOT NULL)')
    db.execute('CREATE UNIQUE INDEX "U" ON "InboundEvents" ("Channel", "DedupeKey")')
    db.execute('CREATE INDEX "S" ON "InboundEvents" ("State", "ReceivedAt")')
    ids = [str(uuid.UUID(int=(i << 64) | random.getrandbits(64))) for i in range(count)]
    body = os.urandom(850)
    for first in range(0, count, 100):
        db.execute("BEGIN")
        for i in range(first, first + 100):
            row = (ids[i], "WhatsApp", os.urandom(32).hex(), "application/json", f"2026-11-29 05:00:00.{i:07d}",
                   f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01", "Pending", 0, None, None, None, None)
            if layout == "old":
                db.execute('INSERT INTO "InboundEvents" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', row + (body,))
            else:
                db.execute('INSERT INTO "InboundEvents" VALUES (?,?,?,?,?,?,?,?,?,?,?,?)', row)
                db.execute('INSERT INTO "InboundEventBodies" VALUES (?,?)', (ids[i], body))
        db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    token, log = str(uuid.uuid4()), 0
    read = ('SELECT e.*, e."Payload" FROM "InboundEvents" e WHERE e."Id" IN ({}) AND e."LockedBy" = ?' if layout == "old" else
            'SELECT e.*, b."Payload" FROM "InboundEvents" e JOIN "InboundEventBodies" b ON b."Id" = e."Id" WHERE e."Id" IN ({}) AND e."LockedBy" = ?')
    began = time.perf_counter()
    for n, first in enumerate(range(0, count, per_claim)):
        claimed = ids[first:first + per_claim]
        marks = ",".join("?" * len(claimed))
        db.execute("BEGIN")
        db.execute(f'UPDATE "InboundEvents" SET "LockedBy" = ?, "LockedUntil" = ? WHERE "Id" IN ({marks}) AND "ProcessedAt" IS NULL',
                   [token, "2026-11-29 06:00:00"] + claimed)
        db.execute("COMMIT")
        db.execute(read.format(marks), claimed + [token]).fetchall()
        db.execute("BEGIN")
        db.execute(f'UPDATE "InboundEvents" SET "State" = \'Processed\', "Error" = NULL, "ProcessedAt" = ? WHERE "Id" IN ({marks})',
                   ["2026-11-29 06:00:01"] + claimed)
        db.execute("COMMIT")
        if n % 25 == 24:
            log += os.path.getsize(path + "-wal")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log += os.path.getsize(path + "-wal")
    elapsed = time.perf_counter() - began
    db.close()
    return elapsed / count * 1e6, log / count


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stamp = datetime.datetime.now(datetime.timezone.utc)
    lines = [f"# SQLite row layouts, old against new — {stamp:%Y-%m-%d %H:%M} UTC", "",
             f"Command: `python3 bench/sqlite-layouts.py` · SQLite {sqlite3.sqlite_version} (Python's) · see the script's header", "",
             "| experiment | round | old | new | new ÷ old |", "| --- | ---: | ---: | ---: | ---: |"]
    for round_ in (1, 2):
        order = ("old", "new") if round_ == 1 else ("new", "old")
        result = {layout: journal(layout) for layout in order}
        (old_rate, old_size), (new_rate, new_size) = result["old"], result["new"]
        lines.append(f"| journal entries inserted a second | {round_} | {old_rate:,.0f} | {new_rate:,.0f} | {new_rate / old_rate:.2f}× |")
        lines.append(f"| journal file bytes a run | {round_} | {old_size:,.0f} | {new_size:,.0f} | {new_size / old_size:.2f}× |")
        result = {layout: deliveries(layout) for layout in order}
        (old_us, old_log), (new_us, new_log) = result["old"], result["new"]
        lines.append(f"| claim + read + mark, µs a delivery | {round_} | {old_us:.1f} | {new_us:.1f} | {new_us / old_us:.2f}× |")
        lines.append(f"| log written by them, bytes a delivery | {round_} | {old_log:,.0f} | {new_log:,.0f} | {new_log / old_log:.2f}× |")
    report = "\n".join(lines) + "\n"
    os.makedirs(os.path.join(root, "bench", "results"), exist_ok=True)
    out = os.path.join(root, "bench", "results", f"sqlite-layouts-{stamp:%Y%m%dT%H%M%SZ}.md")
    with open(out, "w", encoding="utf-8") as file:
        file.write(report)
    print(report + f"\nResults written to {os.path.relpath(out, root)}")


if __name__ == "__main__":
    main()
