using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartialBookmarkIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowBookmarks_DueAt",
                table: "FlowBookmarks");

            migrationBuilder.DropIndex(
                name: "IX_FlowBookmarks_EventName_CorrelationKey",
                table: "FlowBookmarks");

            migrationBuilder.CreateIndex(
                name: "IX_FlowBookmarks_EventName_CorrelationKey",
                table: "FlowBookmarks",
                columns: new[] { "EventName", "CorrelationKey" },
                filter: "\"EventName\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowBookmarks_EventName_CorrelationKey",
                table: "FlowBookmarks");

            migrationBuilder.CreateIndex(
                name: "IX_FlowBookmarks_DueAt",
                table: "FlowBookmarks",
                column: "DueAt");

            migrationBuilder.CreateIndex(
                name: "IX_FlowBookmarks_EventName_CorrelationKey",
                table: "FlowBookmarks",
                columns: new[] { "EventName", "CorrelationKey" });
        }
    }
}
