using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class LiquidTests
{
    private readonly LiquidTemplates liquid = new(TimeProvider.System);

    private static readonly IFlowFacts Facts = TestFacts.With(
        ("contact.first_name", "Ana <b>"),
        ("contact.fields.plan", "gold"),
        ("contact.tags", new[] { "vip", "new" }),
        ("message.text", "hello"),
        ("message.channel", "sms"),
        ("contact.fields.spent", 12.5));

    [Theory]
    [InlineData("Hi {{ contact.first_name }}!", "Hi Ana <b>!")]
    [InlineData("Plan: {{ contact.fields.plan | upcase }}", "Plan: GOLD")]
    [InlineData("{% for tag in contact.tags %}[{{ tag }}]{% endfor %}", "[vip][new]")]
    [InlineData("{% if contact.tags contains 'vip' %}VIP{% else %}no{% endif %}", "VIP")]
    [InlineData("{{ message.text }} via {{ message.channel }}", "hello via sms")]
    [InlineData("{{ contact.fields.spent | plus: 1 }}", "13.5")]
    [InlineData("{{ contact.first_name | json }}", "\"Ana \\u003Cb\\u003E\"")]
    [InlineData("No Liquid at all", "No Liquid at all")]
    public void Render_Facts_AsLiquidReadsThem(string source, string expected)
    {
        Assert.Equal(expected, Render(source, Facts));
    }

    [Theory]
    [InlineData("Hi {{ contact.last_name | default: contact.display_name | default: \"there\" }}", "Hi there")]
    [InlineData("Hi {{ contact.last_name | default: contact.first_name | default: \"there\" }}", "Hi Ana <b>")]
    [InlineData("{{ contact.fields.plan | default: \"none\" }}", "gold")]
    [InlineData("{{ flow.unset | default: \"\" | default: \"last\" }}", "last")]
    public void Render_Default_FallsThroughMissingAndEmptyValues(string source, string expected)
    {
        Assert.Equal(expected, Render(source, Facts));
    }

    [Theory]
    [InlineData("Hi {{ contact.last_name }}.", "Hi .")]
    [InlineData("[{{ contact.fields.nothing.deeper }}]", "[]")]
    [InlineData("{% if contact.fields.nothing %}yes{% else %}no{% endif %}", "no")]
    [InlineData("{% if contact.fields.nothing == nil %}nil{% endif %}", "nil")]
    [InlineData("[{{ flow.unset }}{{ trigger.unset }}]", "[]")]
    public void Render_MissingValue_RendersEmpty(string source, string expected)
    {
        Assert.Equal(expected, Render(source, Facts));
    }

    [Theory]
    [InlineData("[{{ contact.GetType }}]", "[]")]
    [InlineData("[{{ contact.first_name.Length }}]", "[]")]
    [InlineData("[{{ contact.fields.plan.GetType.Assembly }}]", "[]")]
    [InlineData("[{{ 'rm -rf /' | system }}]", "[rm -rf /]")]
    public void Render_AttemptsAtCode_ReachNoDotNetMember(string source, string expected)
    {
        Assert.Equal(expected, Render(source, Facts));
    }

    [Theory]
    [InlineData("[{% include 'appsettings.json' %}]")]
    [InlineData("[{%- render 'secrets' -%}]")]
    public void Parse_FileTags_AreRefused(string source)
    {
        Assert.False(liquid.TryParse(source, out _, out var error));
        Assert.Contains("include", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RunawayLoop_StopsAtTheStepLimit()
    {
        Assert.True(liquid.TryParse("{% for i in (1..10000000) %}x{% endfor %}", out var text, out _));

        Assert.Throws<LiquidRenderException>(() => text.Render(Facts));
    }

    [Fact]
    public void Parse_TextWithoutLiquid_IsKeptLiteral()
    {
        Assert.True(liquid.TryParse("Plain {text}", out var text, out _));

        Assert.True(text.IsLiteral);
        Assert.Equal("Plain {text}", text.Render(Facts));
    }

    private string Render(string source, IFlowFacts facts)
    {
        Assert.True(liquid.TryParse(source, out var text, out var error), error);
        return text.Render(facts);
    }
}
