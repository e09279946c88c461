using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace PartnerAssistant;

/// <summary>
/// Checks a request object before anything stores it: every text within its declared
/// <see cref="MaxLengthAttribute"/> (the column it lands in) or <see cref="DefaultMaxTextLength"/>, every
/// enum one of its named values (JSON binds <c>"role": 99</c> to an undefined <c>Role</c> otherwise), every
/// list at most <see cref="MaxListCount"/> long; nested request objects the same. The admin API applies it
/// to every body, and services that store what people type (the directory) apply it themselves.
/// </summary>
public static class InputLimits
{
    /// <summary>Longest text a field without a <see cref="MaxLengthAttribute"/> takes: 4,000 characters.</summary>
    public const int DefaultMaxTextLength = 4000;

    /// <summary>Most entries a list field takes: 1,000.</summary>
    public const int MaxListCount = 1000;

    /// <summary>What is wrong with <paramref name="input"/>, one sentence a field; empty when nothing.</summary>
    public static IReadOnlyList<string> Problems(object? input)
    {
        var problems = new List<string>();
        Check(input, "", problems, depth: 0);
        return problems;
    }

    /// <summary>Whether the admin API should check an argument of this type: the request records of this product.</summary>
    public static bool IsRequestType(Type type) =>
        type is { IsClass: true, Namespace: { } ns } && type != typeof(string)
        && (ns.StartsWith("PartnerAssistant", StringComparison.Ordinal) || ns.StartsWith("BotHost", StringComparison.Ordinal));

    private static void Check(object? input, string path, List<string> problems, int depth)
    {
        if (input is null || depth > 4)
        {
            return;
        }

        foreach (var property in input.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead)
            {
                continue;
            }

            var name = path + JsonName(property.Name);
            var value = property.GetValue(input);
            switch (value)
            {
                case null:
                    break;
                case string text:
                    var max = property.GetCustomAttribute<MaxLengthAttribute>()?.Length ?? DefaultMaxTextLength;
                    if (text.Length > max)
                    {
                        problems.Add($"'{name}' is longer than {max} characters.");
                    }

                    break;
                case Enum choice when !IsDefined(choice):
                    problems.Add($"'{name}' must be one of {string.Join(", ", Enum.GetNames(choice.GetType()))}; {choice} is not.");
                    break;
                case IEnumerable list when value is not string:
                    var items = list.Cast<object?>().Take(MaxListCount + 1).ToList();
                    if (items.Count > MaxListCount)
                    {
                        problems.Add($"'{name}' has more than {MaxListCount} entries.");
                        break;
                    }

                    for (var i = 0; i < items.Count; i++)
                    {
                        if (items[i] is string item && item.Length > DefaultMaxTextLength)
                        {
                            problems.Add($"'{name}[{i}]' is longer than {DefaultMaxTextLength} characters.");
                        }
                        else if (items[i] is Enum entry && !IsDefined(entry))
                        {
                            problems.Add($"'{name}[{i}]' must be one of {string.Join(", ", Enum.GetNames(entry.GetType()))}; {entry} is not.");
                        }
                        else if (items[i] is { } nested && IsRequestType(nested.GetType()))
                        {
                            Check(nested, $"{name}[{i}].", problems, depth + 1);
                        }
                    }

                    break;
                default:
                    if (IsRequestType(value.GetType()))
                    {
                        Check(value, name + ".", problems, depth + 1);
                    }

                    break;
            }
        }
    }

    /// <summary>A defined value, or for a [Flags] enum a combination of defined bits.</summary>
    private static bool IsDefined(Enum value)
    {
        var type = value.GetType();
        if (!type.IsDefined(typeof(FlagsAttribute), inherit: false))
        {
            return Enum.IsDefined(type, value);
        }

        var all = Enum.GetValues(type).Cast<Enum>().Aggregate(0L, (bits, v) => bits | Bits(v));
        return (Bits(value) & ~all) == 0;
    }

    private static long Bits(Enum value) => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);


    private static string JsonName(string property) => property.Length == 0 ? property : char.ToLowerInvariant(property[0]) + property[1..];
}
