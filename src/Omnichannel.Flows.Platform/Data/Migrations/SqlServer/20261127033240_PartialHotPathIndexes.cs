using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class PartialHotPathIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Messages_BroadcastId_Status",
                table: "Messages");

            migrationBuilder.DropIndex(
                name: "IX_Messages_EmailMessageId",
                table: "Messages");

            migrationBuilder.DropIndex(
                name: "IX_FlowInstances_Status_UpdatedAt",
                table: "FlowInstances");

            migrationBuilder.DropIndex(
                name: "IX_AutomationEvents_ContactId",
                table: "AutomationEvents");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_BroadcastId_Status",
                table: "Messages",
                columns: new[] { "BroadcastId", "Status" },
                filter: "\"BroadcastId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_EmailMessageId",
                table: "Messages",
                column: "EmailMessageId",
                filter: "\"EmailMessageId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_FlowInstances_Status_UpdatedAt",
                table: "FlowInstances",
                columns: new[] { "Status", "UpdatedAt" },
                filter: "\"Status\" = 'Running'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Messages_BroadcastId_Status",
                table: "Messages");

            migrationBuilder.DropIndex(
                name: "IX_Messages_EmailMessageId",
                table: "Messages");

            migrationBuilder.DropIndex(
                name: "IX_FlowInstances_Status_UpdatedAt",
                table: "FlowInstances");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_BroadcastId_Status",
                table: "Messages",
                columns: new[] { "BroadcastId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Messages_EmailMessageId",
                table: "Messages",
                column: "EmailMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_FlowInstances_Status_UpdatedAt",
                table: "FlowInstances",
                columns: new[] { "Status", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AutomationEvents_ContactId",
                table: "AutomationEvents",
                column: "ContactId");
        }
    }
}
