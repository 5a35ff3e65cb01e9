using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Omnichannel.Flows.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InboundEventBodiesApart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-ordered: the bodies are copied to their table before their column goes.
            migrationBuilder.CreateTable(
                name: "InboundEventBodies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Payload = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundEventBodies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboundEventBodies_InboundEvents_Id",
                        column: x => x.Id,
                        principalTable: "InboundEvents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql("""INSERT INTO "InboundEventBodies" ("Id", "Payload") SELECT "Id", "Payload" FROM "InboundEvents";""");

            migrationBuilder.DropColumn(
                name: "Payload",
                table: "InboundEvents");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "Payload",
                table: "InboundEvents",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.Sql("""
                UPDATE "InboundEvents"
                SET "Payload" = (SELECT b."Payload" FROM "InboundEventBodies" b WHERE b."Id" = "InboundEvents"."Id")
                WHERE EXISTS (SELECT 1 FROM "InboundEventBodies" b WHERE b."Id" = "InboundEvents"."Id");
                """);

            migrationBuilder.DropTable(
                name: "InboundEventBodies");
        }
    }
}
