#!/usr/bin/env bash
# Adds a migration to both migration sets (SQLite and SQL Server): scripts/add-migration.sh <Name>
set -euo pipefail
name="${1:?usage: scripts/add-migration.sh <MigrationName>}"
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
project=src/Omnichannel.Flows.Platform
dotnet build "$project" -v q -nologo >/dev/null
for provider in Sqlite SqlServer; do
  dotnet dotnet-ef migrations add "$name" --no-build --project "$project" --startup-project "$project" \
    --context "${provider}FlowsDbContext" --output-dir "Data/Migrations/$provider"
done
