using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.Sqlite
{
    /// <summary>
    /// Hand-written (SQLite only; the model does not change): the trigger-event ids a start dedupes on are stored in their
    /// key's order (<c>WITHOUT ROWID</c>), as rows of a few dozen bytes are best kept: each start writes the key's b-tree
    /// and the seen-at index, where a row plus its key's index wrote three. <c>FlowStoreLayoutTests</c> guards it.
    /// </summary>
    public partial class TriggerEventsInKeyOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, withoutRowId: true);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, withoutRowId: false);

        private static void Rebuild(MigrationBuilder migrationBuilder, bool withoutRowId)
        {
            migrationBuilder.Sql($"""
                CREATE TABLE "ef_temp_FlowTriggerEvents" (
                    "FlowId" TEXT NOT NULL,
                    "EventId" TEXT NOT NULL,
                    "SeenAt" TEXT NOT NULL,
                    CONSTRAINT "PK_FlowTriggerEvents" PRIMARY KEY ("FlowId", "EventId")
                ){(withoutRowId ? " WITHOUT ROWID" : "")};
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_FlowTriggerEvents" ("FlowId", "EventId", "SeenAt")
                SELECT "FlowId", "EventId", "SeenAt" FROM "FlowTriggerEvents" ORDER BY "FlowId", "EventId";
                """);
            migrationBuilder.Sql("""DROP TABLE "FlowTriggerEvents";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_FlowTriggerEvents" RENAME TO "FlowTriggerEvents";""");
            migrationBuilder.Sql("""CREATE INDEX "IX_FlowTriggerEvents_SeenAt" ON "FlowTriggerEvents" ("SeenAt");""");
        }
    }
}
