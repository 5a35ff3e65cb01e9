using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ErasableAutomationData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_FlowTriggerTimers_ContactId",
                table: "FlowTriggerTimers",
                column: "ContactId");

            migrationBuilder.CreateIndex(
                name: "IX_FlowInstances_SubjectId",
                table: "FlowInstances",
                column: "SubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_AutomationEvents_ContactId",
                table: "AutomationEvents",
                column: "ContactId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowTriggerTimers_ContactId",
                table: "FlowTriggerTimers");

            migrationBuilder.DropIndex(
                name: "IX_FlowInstances_SubjectId",
                table: "FlowInstances");

            migrationBuilder.DropIndex(
                name: "IX_AutomationEvents_ContactId",
                table: "AutomationEvents");
        }
    }
}
