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
        Assert.True(liquid.TryParse("{% for i in (1..10000) %}{% for j in (1..10000) %}x{% endfor %}{% endfor %}", out var text, out _));

        Assert.Throws<LiquidRenderException>(() => text.Render(Facts));
    }

    [Theory]
    [InlineData("{% for i in (1..3) %}{{ i }}{% endfor %}", "123")]
    [InlineData("{% assign n = 2 %}{% for i in (n..4) %}{{ i }}{% endfor %}", "234")]
    [InlineData("{% capture greeting %}Hi {{ contact.first_name }}{% endcapture %}[{{ greeting }}]", "[Hi Ana <b>]")]
    [InlineData("{% capture list %}{% for tag in contact.tags %}{{ tag }};{% endfor %}{% endcapture %}{{ list | upcase }}", "VIP;NEW;")]
    public void Render_RangesAndCaptures_WithinTheBounds_WorkAsLiquidSays(string source, string expected)
    {
        Assert.Equal(expected, Render(source, Facts));
    }

    [Fact]
    public void Parse_ALiteralRangePastTheItemLimit_IsRefused()
    {
        Assert.False(liquid.TryParse("{% for i in (1..100000000) %}x{% endfor %}", out _, out var error));

        Assert.Equal("The range (1..100000000) has more than 10,000 items.", error);
    }

    [Fact]
    public void Render_ARangeFromAValuePastTheItemLimit_FailsBeforeItIsBuilt()
    {
        Assert.True(liquid.TryParse("{% assign n = 100000000 %}{% for i in (1..n) %}x{% endfor %}", out var text, out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var failure = Assert.Throws<LiquidRenderException>(() => text.Render(Facts));

        Assert.Contains("has more than 10,000 items", failure.Message, StringComparison.Ordinal);
        // Built whole, the range would be 100 million values (gigabytes).
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocated, 0, 10_000_000);
    }

    [Theory]
    [InlineData("{% assign s = '0123456789' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}", "'append' made a text longer than")]
    [InlineData("{% assign s = 'x' %}{% for i in (1..17) %}{% assign s = s | append: s %}{% endfor %}{% capture c %}{% for i in (1..1000) %}{{ s }}{% endfor %}{% endcapture %}{{ c | size }}", "The capture 'c' grew longer than")]
    [InlineData("{% assign s = 'x' %}{% for i in (1..17) %}{% assign s = s | append: s %}{% endfor %}{% for i in (1..1000) %}{{ s }}{% endfor %}", "The text grew longer than")]
    [InlineData("{% assign s = 'a,' %}{% for i in (1..14) %}{% assign s = s | append: s %}{% endfor %}{% assign l = s | split: ',' %}{{ l | size }}", "'split' made a list of more than")]
    public void Render_ATextOrListOutgrowingTheBounds_Fails(string source, string reason)
    {
        Assert.True(liquid.TryParse(source, out var text, out var error), error);

        var failure = Assert.Throws<LiquidRenderException>(() => text.Render(Facts));

        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
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
