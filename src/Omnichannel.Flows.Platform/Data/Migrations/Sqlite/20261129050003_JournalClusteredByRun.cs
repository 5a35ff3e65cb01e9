using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class JournalClusteredByRun : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written: EF cannot declare a table WITHOUT ROWID. The journal is stored in its key's order (a run's
            // entries together, each written into one b-tree) rather than as rows plus an index on the id plus one on
            // (InstanceId, Sequence): one b-tree written per entry instead of three. FlowStoreLayoutTests guards it.
            migrationBuilder.DropIndex(
                name: "IX_FlowJournal_InstanceId_Sequence",
                table: "FlowJournal");

            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_FlowJournal" (
                    "InstanceId" TEXT NOT NULL,
                    "Sequence" INTEGER NOT NULL,
                    "Id" TEXT NOT NULL,
                    "Activation" INTEGER NOT NULL,
                    "ActivityType" TEXT NULL,
                    "At" TEXT NOT NULL,
                    "Attempt" INTEGER NOT NULL,
                    "Error" TEXT NULL,
                    "Inputs" TEXT NULL,
                    "Kind" TEXT NOT NULL,
                    "NodeId" TEXT NULL,
                    "Outcome" TEXT NOT NULL,
                    "Port" TEXT NULL,
                    "Resumed" INTEGER NOT NULL,
                    CONSTRAINT "PK_FlowJournal" PRIMARY KEY ("InstanceId", "Sequence", "Id")
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_FlowJournal" ("InstanceId", "Sequence", "Id", "Activation", "ActivityType", "At", "Attempt", "Error", "Inputs", "Kind", "NodeId", "Outcome", "Port", "Resumed")
                SELECT "InstanceId", "Sequence", "Id", "Activation", "ActivityType", "At", "Attempt", "Error", "Inputs", "Kind", "NodeId", "Outcome", "Port", "Resumed"
                FROM "FlowJournal"
                ORDER BY "InstanceId", "Sequence", "Id";
                """);
            migrationBuilder.Sql("""DROP TABLE "FlowJournal";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_FlowJournal" RENAME TO "FlowJournal";""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_FlowJournal",
                table: "FlowJournal");

            migrationBuilder.AddPrimaryKey(
                name: "PK_FlowJournal",
                table: "FlowJournal",
                column: "Id");

            migrationBuilder.CreateIndex(
                name: "IX_FlowJournal_InstanceId_Sequence",
                table: "FlowJournal",
                columns: new[] { "InstanceId", "Sequence" });
        }
    }
}
