using Grpc.Core;
using Qdrant.Client.Grpc;

namespace QdrantStandIn;

/// <summary>
/// Qdrant's filter semantics over a point's payload: every <c>must</c> holds, no <c>must_not</c> holds, at
/// least one <c>should</c> holds when there are any. A field condition on an array matches when any element
/// matches; on a missing field it does not match (so <c>must_not</c> of it does).
/// </summary>
internal static class Filters
{
    public static bool Matches(Filter? filter, StoredPoint point)
    {
        if (filter is null)
        {
            return true;
        }

        if (filter.Must.Any(c => !Matches(c, point)) || filter.MustNot.Any(c => Matches(c, point)))
        {
            return false;
        }

        if (filter.Should.Count > 0 && !filter.Should.Any(c => Matches(c, point)))
        {
            return false;
        }

        return filter.MinShould is not { } minimum || minimum.Conditions.Count(c => Matches(c, point)) >= (int)minimum.MinCount;
    }

    private static bool Matches(Condition condition, StoredPoint point) => condition.ConditionOneOfCase switch
    {
        Condition.ConditionOneOfOneofCase.Field => Matches(condition.Field, point),
        Condition.ConditionOneOfOneofCase.HasId => condition.HasId.HasId.Select(PointIds.Canonical).Any(id => PointIds.Comparer.Compare(id, point.Id) == 0),
        Condition.ConditionOneOfOneofCase.Filter => Matches(condition.Filter, point),
        Condition.ConditionOneOfOneofCase.IsEmpty => Values(point, condition.IsEmpty.Key).Count == 0,
        _ => throw Unsupported($"filter condition {condition.ConditionOneOfCase}"),
    };

    private static bool Matches(FieldCondition field, StoredPoint point)
    {
        var values = Values(point, field.Key);
        if (field.Match is { } match)
        {
            return match.MatchValueCase switch
            {
                Match.MatchValueOneofCase.Keyword => values.Any(v => v.KindCase == Value.KindOneofCase.StringValue && v.StringValue == match.Keyword),
                Match.MatchValueOneofCase.Keywords => values.Any(v => v.KindCase == Value.KindOneofCase.StringValue && match.Keywords.Strings.Contains(v.StringValue)),
                Match.MatchValueOneofCase.ExceptKeywords => !values.Any(v => v.KindCase == Value.KindOneofCase.StringValue && match.ExceptKeywords.Strings.Contains(v.StringValue)),
                Match.MatchValueOneofCase.Integer => values.Any(v => v.KindCase == Value.KindOneofCase.IntegerValue && v.IntegerValue == match.Integer),
                Match.MatchValueOneofCase.Integers => values.Any(v => v.KindCase == Value.KindOneofCase.IntegerValue && match.Integers.Integers.Contains(v.IntegerValue)),
                Match.MatchValueOneofCase.ExceptIntegers => !values.Any(v => v.KindCase == Value.KindOneofCase.IntegerValue && match.ExceptIntegers.Integers.Contains(v.IntegerValue)),
                Match.MatchValueOneofCase.Boolean => values.Any(v => v.KindCase == Value.KindOneofCase.BoolValue && v.BoolValue == match.Boolean),
                _ => throw Unsupported($"match {match.MatchValueCase}"),
            };
        }

        if (field.Range is { } range)
        {
            return values.Any(v => Number(v) is { } n
                && (!range.HasLt || n < range.Lt) && (!range.HasLte || n <= range.Lte)
                && (!range.HasGt || n > range.Gt) && (!range.HasGte || n >= range.Gte));
        }

        throw Unsupported($"field condition on '{field.Key}' other than match or range");
    }

    /// <summary>The values of a top-level payload key: an array's elements, a single value, or none.</summary>
    private static IReadOnlyList<Value> Values(StoredPoint point, string key)
    {
        if (!point.Payload.TryGetValue(key, out var value) || value.KindCase is Value.KindOneofCase.NullValue or Value.KindOneofCase.None)
        {
            return [];
        }

        return value.KindCase == Value.KindOneofCase.ListValue ? value.ListValue.Values : [value];
    }

    private static double? Number(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.IntegerValue => value.IntegerValue,
        Value.KindOneofCase.DoubleValue => value.DoubleValue,
        _ => null,
    };

    public static RpcException Unsupported(string what) =>
        new(new Status(StatusCode.Unimplemented, $"The Qdrant stand-in does not implement {what}; add it with Qdrant's documented semantics if the store needs it."));
}
