using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class JournalClusteredByRun : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_FlowJournal",
                table: "FlowJournal");

            migrationBuilder.DropIndex(
                name: "IX_FlowJournal_InstanceId_Sequence",
                table: "FlowJournal");

            migrationBuilder.AddPrimaryKey(
                name: "PK_FlowJournal",
                table: "FlowJournal",
                columns: new[] { "InstanceId", "Sequence", "Id" });
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
