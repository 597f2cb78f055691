using EnsembleFarm.Domain.Search;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>The text a trial's parameters are stored as (ParamsJson): stable, and exact for every kind of value.</summary>
public class SearchParametersTests
{
    [Fact]
    public void Parameters_are_written_as_one_json_object_in_key_order()
    {
        var json = SearchParameters.ToJson(new Dictionary<string, ParamValue>
        {
            ["training.optimizer.name"] = "adamw",
            ["model.batch_norm"] = true,
            ["training.batch_size"] = 128,
            ["model.dropout"] = 0.1,
            ["model.hidden"] = "[64, 64]",
            ["training.epochs"] = ParamValue.Float(20),
        });

        Assert.Equal(
            """{"model.batch_norm":true,"model.dropout":0.1,"model.hidden":"[64, 64]","training.batch_size":128,"training.epochs":20.0,"training.optimizer.name":"adamw"}""",
            json);
    }

    public static TheoryData<ParamValue> Values => new()
    {
        0.1, 1.0, -0.0, 1e-300, -2.5e-8, double.MaxValue, double.Epsilon, 1e21, 123456789.123,
        0, -7, long.MaxValue, long.MinValue, (1L << 53) + 1,
        true, false,
        "adam", "", "[128, 64]", "quote \" and \\ and é ∞ \u0001",
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_kind_of_value_comes_back_exactly_as_it_was(ParamValue value)
    {
        var back = SearchParameters.FromJson(SearchParameters.ToJson(new Dictionary<string, ParamValue> { ["p"] = value }))["p"];

        Assert.Equal(value.Kind, back.Kind);
        Assert.Equal(value, back);
        if (value.Kind == ParamKind.Float) Assert.Equal(BitConverter.DoubleToInt64Bits(value.AsDouble()), BitConverter.DoubleToInt64Bits(back.AsDouble()));
    }

    [Fact]
    public void No_parameters_are_an_empty_object_and_read_back_as_none()
    {
        Assert.Equal("{}", SearchParameters.ToJson(new Dictionary<string, ParamValue>()));
        Assert.Equal(SearchParameters.None, SearchParameters.ToJson(new Dictionary<string, ParamValue>()));
        Assert.Empty(SearchParameters.FromJson("{}"));
        Assert.Empty(SearchParameters.FromJson(" { } "));
    }

    [Fact]
    public void The_same_parameters_give_the_same_text_whatever_their_order()
    {
        var a = new Dictionary<string, ParamValue> { ["b"] = 1, ["a"] = 2.0 };
        var b = new Dictionary<string, ParamValue> { ["a"] = 2.0, ["b"] = 1 };

        Assert.Equal(SearchParameters.ToJson(a), SearchParameters.ToJson(b));
        Assert.Equal(SearchParameters.ToJson(a), SearchParameters.ToJson(SearchParameters.FromJson(SearchParameters.ToJson(a))));
    }

    [Theory]
    [InlineData("[1]", "trial parameters must be a JSON object, got '[1]'")]
    [InlineData("""{"a":[1]}""", "trial parameter 'a' must be a number, a boolean or a text, got [1]")]
    [InlineData("""{"a":null}""", "trial parameter 'a' must be a number, a boolean or a text, got null")]
    [InlineData("""{"a":1,"a":2}""", """trial parameter 'a' is given twice in '{"a":1,"a":2}'""")]
    [InlineData("""{"a":99999999999999999999}""", "trial parameter 'a' must be a number, a boolean or a text, got 99999999999999999999")]
    public void Text_that_is_not_a_parameter_object_is_a_format_error(string json, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatException>(() => SearchParameters.FromJson(json)).Message);
    }

    [Fact]
    public void Text_that_is_not_json_is_a_format_error_that_quotes_it()
    {
        Assert.StartsWith("trial parameters must be a JSON object, got '{a'", Assert.Throws<FormatException>(() => SearchParameters.FromJson("{a")).Message);
    }

    [Fact]
    public void A_float_json_cannot_hold_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => SearchParameters.ToJson(new Dictionary<string, ParamValue> { ["lr"] = double.NaN }));

        Assert.Equal("trial parameter 'lr' is NaN; JSON holds finite numbers only", error.Message);
    }
}
