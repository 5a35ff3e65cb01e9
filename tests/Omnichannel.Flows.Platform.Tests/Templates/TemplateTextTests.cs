using System.Text.Json;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Tests.Templates;

public sealed class TemplateTextTests
{
    [Theory]
    [InlineData("Hi {{1}}, order {{2}} shipped, {{1}}!", new[] { "1", "2" })]
    [InlineData("Hi {{ first_name }}, {{discount}} off", new[] { "first_name", "discount" })]
    [InlineData("No placeholders {here}", new string[0])]
    public void Placeholders_InOrderOfFirstUse(string text, string[] expected) =>
        Assert.Equal(expected, TemplateText.Placeholders(text));

    [Theory]
    [InlineData("Hi {{1}} and {{2}}", null)]
    [InlineData("Hi {{2}} and {{1}}", null)]
    [InlineData("Hi {{first_name}}", null)]
    [InlineData("Hi {{1}} and {{3}}", "{{2}} is missing")]
    [InlineData("Hi {{2}}", "{{1}} is missing")]
    [InlineData("Hi {{0}}", "{{1}} is missing")]
    [InlineData("Hi {{1}} {{name}}", "not both")]
    [InlineData("Hi {{First}}", "not a valid placeholder name")]
    public void PlaceholderProblem_PositionalWithoutGapsOrNamed(string text, string? problem)
    {
        var found = TemplateText.PlaceholderProblem(TemplateText.Placeholders(text));

        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found);
        }
    }

    [Fact]
    public void BodyOf_FindsTheBodyComponentInAnyCase()
    {
        var components = JsonDocument.Parse("""[{ "type": "HEADER", "text": "Head" }, { "type": "body", "text": "The body" }]""").RootElement;

        Assert.Equal("The body", TemplateText.BodyOf(components));
    }

    [Theory]
    [InlineData("MARKETING", true)]
    [InlineData("utility", true)]
    [InlineData("1", false)]
    [InlineData("marketing,utility", false)]
    [InlineData("", false)]
    public void TryParse_TakesMetasNamesOnly(string value, bool parses) =>
        Assert.Equal(parses, TemplateNames.TryParse<TemplateCategory>(value, out _));
}
