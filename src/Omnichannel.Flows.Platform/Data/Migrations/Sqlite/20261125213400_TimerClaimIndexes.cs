using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TimerClaimIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_FlowTriggerTimers_FiringBy",
                table: "FlowTriggerTimers",
                column: "FiringBy",
                filter: "\"FiringBy\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_FlowBookmarks_FiringBy",
                table: "FlowBookmarks",
                column: "FiringBy",
                filter: "\"FiringBy\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowTriggerTimers_FiringBy",
                table: "FlowTriggerTimers");

            migrationBuilder.DropIndex(
                name: "IX_FlowBookmarks_FiringBy",
                table: "FlowBookmarks");
        }
    }
}
