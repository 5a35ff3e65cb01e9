using System.Text.Json;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Tests.Templates;

public sealed class TemplateParametersTests
{
    private static readonly MessageTemplate Positional = new()
    {
        Name = "order_update", Language = "en", BodyText = "Hi {{1}}, order {{2}} has shipped.", BodyParameters = ["1", "2"],
    };

    private static readonly MessageTemplate Named = new()
    {
        Name = "appointment", Language = "de", BodyText = "Hallo {{first_name}}, Ihr Termin ist am {{date}}.", BodyParameters = ["first_name", "date"],
    };

    [Fact]
    public void PositionalValues_FillThePlaceholdersInOrder()
    {
        var (parameters, problem, _) = TemplateParameters.Bind(Positional, Json("""["Anna", "1042"]"""));

        Assert.Null(problem);
        Assert.Equal("Hi Anna, order 1042 has shipped.", TemplateParameters.Render(Positional, parameters!));
        Assert.All(parameters!, p => Assert.False(p.IsNamed));
    }

    [Fact]
    public void NamedValues_FillNamedPlaceholders()
    {
        var (parameters, problem, _) = TemplateParameters.Bind(Named, Json("""{ "date": "3. Dezember", "first_name": "Anna" }"""));

        Assert.Null(problem);
        Assert.Equal(["first_name", "date"], parameters!.Select(p => p.Name));
        Assert.Equal("Hallo Anna, Ihr Termin ist am 3. Dezember.", TemplateParameters.Render(Named, parameters!));
        Assert.All(parameters!, p => Assert.True(p.IsNamed));
    }

    [Theory]
    [InlineData("""["Anna"]""", "/1")]
    [InlineData("""["Anna", ""]""", "/1")]
    [InlineData("""["Anna", 1042]""", "/1")]
    [InlineData("""["Anna", "1042", "extra"]""", "/2")]
    [InlineData("""{ "1": "Anna" }""", "/2")]
    [InlineData("null", "/0")]
    public void MissingWrongOrExtraValues_SayWhichOne(string values, string pointer)
    {
        var (parameters, problem, where) = TemplateParameters.Bind(Positional, Json(values));

        Assert.Null(parameters);
        Assert.NotNull(problem);
        Assert.Equal(pointer, where);
    }

    [Fact]
    public void Placeholders_AreReadFromTheBodyInOrder() =>
        Assert.Equal(["1", "2"], TemplateParameters.PlaceholdersOf("Hi {{1}}, order {{ 2 }} and again {{1}}."));

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
