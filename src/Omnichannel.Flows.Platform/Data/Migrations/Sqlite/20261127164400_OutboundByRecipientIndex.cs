using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboundByRecipientIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Messages_ChannelIdentityId_SentAt",
                table: "Messages",
                columns: new[] { "ChannelIdentityId", "SentAt" },
                filter: "\"Direction\" = 'Outbound'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Messages_ChannelIdentityId_SentAt",
                table: "Messages");
        }
    }
}
