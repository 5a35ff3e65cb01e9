using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ActiveRunsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowInstances_FlowId_SubjectId_Status",
                table: "FlowInstances");

            migrationBuilder.CreateIndex(
                name: "IX_FlowInstances_FlowId_SubjectId",
                table: "FlowInstances",
                columns: new[] { "FlowId", "SubjectId" },
                filter: "\"Status\" IN ('Running', 'Suspended')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowInstances_FlowId_SubjectId",
                table: "FlowInstances");

            migrationBuilder.CreateIndex(
                name: "IX_FlowInstances_FlowId_SubjectId_Status",
                table: "FlowInstances",
                columns: new[] { "FlowId", "SubjectId", "Status" });
        }
    }
}
