using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BookmarkGroupsThroughTheirRun : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowBookmarks_GroupId",
                table: "FlowBookmarks");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_FlowBookmarks_GroupId",
                table: "FlowBookmarks",
                column: "GroupId");
        }
    }
}
