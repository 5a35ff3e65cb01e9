using System.Text.Json;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Tests.Support;
using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class ConditionTests
{
    private static readonly IFlowFacts Facts = TestFacts.With(
        ("contact.tags", new[] { "vip", "Newsletter" }),
        ("contact.first_name", "Ana"),
        ("contact.fields.plan", "Gold"),
        ("contact.fields.spent", 1250.5),
        ("contact.fields.empty", ""),
        ("message.text", "Where is my ORDER #123?"),
        ("message.channel", "whatsapp"),
        ("window.whatsapp.open", true),
        ("conversation.assigned", false),
        ("conversation.opened_at", new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero)));

    public static TheoryData<string, string, object?, bool> Comparisons => new()
    {
        { "contact.fields.plan", "equals", "gold", true },
        { "contact.fields.plan", "equals", "silver", false },
        { "contact.fields.spent", "equals", 1250.5, true },
        { "window.whatsapp.open", "equals", true, true },
        { "contact.fields.plan", "notEquals", "silver", true },
        { "contact.fields.plan", "notEquals", "GOLD", false },
        { "contact.fields.missing", "notEquals", "x", true },
        { "message.text", "contains", "order", true },
        { "contact.tags", "contains", "newsletter", true },
        { "contact.tags", "contains", "news", false },
        { "message.text", "notContains", "refund", true },
        { "contact.tags", "notContains", "vip", false },
        { "message.text", "startsWith", "where", true },
        { "message.text", "startsWith", "order", false },
        { "message.text", "endsWith", "123?", true },
        { "message.text", "endsWith", "order", false },
        { "message.text", "matches", "#\\d{3}", true },
        { "message.text", "matches", "^\\d+$", false },
        { "message.channel", "in", new[] { "sms", "whatsapp" }, true },
        { "message.channel", "in", new[] { "sms", "email" }, false },
        { "contact.tags", "in", new[] { "vip", "staff" }, true },
        { "message.channel", "notIn", new[] { "sms", "email" }, true },
        { "message.channel", "notIn", new[] { "whatsapp" }, false },
        { "contact.first_name", "exists", null, true },
        { "contact.fields.empty", "exists", null, false },
        { "contact.fields.missing", "exists", null, false },
        { "contact.fields.missing", "notExists", null, true },
        { "contact.first_name", "notExists", null, false },
        { "contact.fields.spent", "greaterThan", 1000, true },
        { "contact.fields.spent", "greaterThan", 2000, false },
        { "contact.fields.spent", "lessThan", 2000, true },
        { "contact.fields.spent", "lessThan", 1000, false },
        { "conversation.opened_at", "lessThan", "2026-11-21T00:00:00Z", true },
        { "conversation.opened_at", "greaterThan", "2026-11-21T00:00:00Z", false },
        { "window.whatsapp.open", "isTrue", null, true },
        { "conversation.assigned", "isTrue", null, false },
        { "conversation.assigned", "isFalse", null, true },
        { "window.whatsapp.open", "isFalse", null, false },
        { "contact.fields.missing", "isFalse", null, false },
    };

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void Comparison_OnFacts_MatchesAsDocumented(string field, string op, object? value, bool expected)
    {
        var json = value is null ? new { field, @operator = op } : (object)new { field, @operator = op, value };

        var condition = Parse(new { all = new[] { json } });

        Assert.Equal(expected, condition.Evaluate(Facts));
    }

    [Fact]
    public void NestedGroups_AllOfAny_Combine()
    {
        var condition = Parse(new
        {
            all = new object[]
            {
                new { field = "contact.tags", @operator = "contains", value = "vip" },
                new { any = new[] { new { field = "message.channel", @operator = "equals", value = "sms" }, new { field = "message.text", @operator = "contains", value = "order" } } },
            },
        });

        Assert.True(condition.Evaluate(Facts));
        Assert.False(condition.Evaluate(TestFacts.With(("contact.tags", new[] { "vip" }), ("message.text", "hello"))));
    }

    [Fact]
    public void Matches_CatastrophicPattern_TimesOutAsNoMatch()
    {
        var condition = Parse(new { all = new[] { new { field = "message.text", @operator = "matches", value = "^(a+)+$" } } });

        Assert.False(condition.Evaluate(TestFacts.With(("message.text", new string('a', 40) + "!"))));
    }

    [Theory]
    [InlineData("""[]""", "")]
    [InlineData("""{ "all": [], "any": [] }""", "")]
    [InlineData("""{ "all": [] }""", "/all")]
    [InlineData("""{ "any": [ { "operator": "equals", "value": 1 } ] }""", "/any/0/field")]
    [InlineData("""{ "all": [ { "field": "a", "operator": "like", "value": 1 } ] }""", "/all/0/operator")]
    [InlineData("""{ "all": [ { "field": "a", "operator": "equals" } ] }""", "/all/0/value")]
    [InlineData("""{ "all": [ { "field": "a", "operator": "in", "value": "x" } ] }""", "/all/0/value")]
    [InlineData("""{ "all": [ { "field": "a", "operator": "greaterThan", "value": "soon" } ] }""", "/all/0/value")]
    [InlineData("""{ "all": [ { "field": "a", "operator": "matches", "value": "(" } ] }""", "/all/0/value")]
    [InlineData("""{ "all": [ { "field": "a", "operator": "exists", "value": true } ] }""", "/all/0/value")]
    [InlineData("""{ "all": [ { "field": "a", "operator": "equals", "value": 1, "code": "x" } ] }""", "/all/0/code")]
    public void Parse_MalformedCondition_ReportsThePointer(string json, string path)
    {
        var errors = new List<FlowValidationError>();
        using var document = JsonDocument.Parse(json);

        var condition = ConditionParser.Parse(document.RootElement, "", errors);

        Assert.Null(condition);
        Assert.Equal(path, Assert.Single(errors).Path);
    }

    private static Condition Parse(object json)
    {
        var errors = new List<FlowValidationError>();
        var condition = ConditionParser.Parse(JsonSerializer.SerializeToElement(json), "", errors);
        Assert.Empty(errors);
        return condition!;
    }
}
