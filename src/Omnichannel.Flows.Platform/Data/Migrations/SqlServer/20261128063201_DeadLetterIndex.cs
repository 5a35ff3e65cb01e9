using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class DeadLetterIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_FlowInstances_Faulted",
                table: "FlowInstances",
                columns: new[] { "FlowId", "CreatedAt", "Id" },
                filter: "\"Status\" = 'Faulted'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowInstances_Faulted",
                table: "FlowInstances");
        }
    }
}
