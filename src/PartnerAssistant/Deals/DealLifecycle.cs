using System.Globalization;
using System.Text.RegularExpressions;

namespace PartnerAssistant.Deals;

/// <summary>The program rules a transition or decision can cite; rules of engagement keep their RoE ids.</summary>
public static class DealRules
{
    public const string FirstApprovedWins = "RoE-1";
    public const string RolesCoexist = "RoE-2";
    public const string DirectSalesRespectsProtection = "RoE-3";
    public const string Incumbency = "RoE-4";
    public const string MarketplacePrivateOffers = "RoE-5";
    public const string EvidenceDecidesTies = "RoE-6";

    /// <summary>A registration is received and reviewed within the review window.</summary>
    public const string Review = "NPN-DR-review";

    /// <summary>Approval starts protection for the configured period.</summary>
    public const string Protection = "NPN-DR-protection";

    /// <summary>Protection can be extended once, before expiry, while the opportunity is active.</summary>
    public const string Extension = "NPN-DR-extension";

    /// <summary>Protection ends on its own; the registration loses it.</summary>
    public const string Expiry = "NPN-DR-expiry";

    /// <summary>The owner or the channel team records the deal's outcome.</summary>
    public const string Outcome = "NPN-DR-outcome";

    /// <summary>Data moved in from a CRM.</summary>
    public const string Import = "NPN-DR-import";

    public static readonly IReadOnlyDictionary<string, string> RulesOfEngagement = new Dictionary<string, string>
    {
        [FirstApprovedWins] = "First approved registration wins",
        [RolesCoexist] = "Roles co-exist",
        [DirectSalesRespectsProtection] = "Direct sales respects protection",
        [Incumbency] = "Incumbency",
        [MarketplacePrivateOffers] = "Marketplace private offers",
        [EvidenceDecidesTies] = "Evidence decides ties",
    };

    public static string Describe(string rule) =>
        RulesOfEngagement.TryGetValue(rule, out var name) ? $"{rule} ({name})" : rule;
}

/// <summary>
/// The registration lifecycle: submitted → under review / approved / rejected → expired / won / lost.
/// Every status change goes through <see cref="Check"/>, which names the rule that allows it or
/// says, in the program's words, why it is not allowed.
/// </summary>
public static class DealLifecycle
{
    private static readonly Dictionary<(RegistrationStatus From, RegistrationStatus To), string> Allowed = new()
    {
        [(RegistrationStatus.Submitted, RegistrationStatus.UnderReview)] = DealRules.Review,
        [(RegistrationStatus.Submitted, RegistrationStatus.Approved)] = DealRules.Protection,
        [(RegistrationStatus.Submitted, RegistrationStatus.Rejected)] = DealRules.Review,
        [(RegistrationStatus.UnderReview, RegistrationStatus.Approved)] = DealRules.Protection,
        [(RegistrationStatus.UnderReview, RegistrationStatus.Rejected)] = DealRules.Review,
        [(RegistrationStatus.Approved, RegistrationStatus.Expired)] = DealRules.Expiry,
        [(RegistrationStatus.Approved, RegistrationStatus.Won)] = DealRules.Outcome,
        [(RegistrationStatus.Approved, RegistrationStatus.Lost)] = DealRules.Outcome,

        // Touches stay recorded after expiry, so a deal that closes later still shares attribution.
        [(RegistrationStatus.Expired, RegistrationStatus.Won)] = DealRules.Outcome,
        [(RegistrationStatus.Expired, RegistrationStatus.Lost)] = DealRules.Outcome,
    };

    public static bool IsOpen(RegistrationStatus status) =>
        status is RegistrationStatus.Submitted or RegistrationStatus.UnderReview or RegistrationStatus.Approved;

    public static bool IsPendingReview(RegistrationStatus status) =>
        status is RegistrationStatus.Submitted or RegistrationStatus.UnderReview;

    public static bool CanMove(RegistrationStatus from, RegistrationStatus to) => Allowed.ContainsKey((from, to));

    /// <summary>The rule that allows the move; throws <see cref="DealRuleException"/> with the reason when it is not allowed.</summary>
    public static string Check(long number, RegistrationStatus from, RegistrationStatus to)
    {
        if (Allowed.TryGetValue((from, to), out var rule))
        {
            return rule;
        }

        var name = RegistrationNumber.Format(number);
        var reason = (from, to) switch
        {
            (RegistrationStatus.Rejected, _) => $"{name} was rejected; a rejected registration cannot change. Correct the details and submit a new registration.",
            (RegistrationStatus.Won or RegistrationStatus.Lost, _) => $"{name} is already closed as {Describe(from)}; a closed deal cannot change.",
            (RegistrationStatus.Submitted or RegistrationStatus.UnderReview, RegistrationStatus.Won or RegistrationStatus.Lost) =>
                $"{name} is still waiting for the review decision; an outcome can be recorded once it is approved.",
            (RegistrationStatus.Submitted or RegistrationStatus.UnderReview, RegistrationStatus.Expired) =>
                $"{name} is not approved yet, so it has no protection to expire.",
            (RegistrationStatus.Expired, RegistrationStatus.Approved or RegistrationStatus.Rejected) =>
                $"{name} has expired and lost protection; submit a new registration if the opportunity is active again.",
            (RegistrationStatus.Approved, RegistrationStatus.Approved or RegistrationStatus.Rejected) =>
                $"{name} has already been approved.",
            _ => $"{name} is {Describe(from)}; it cannot become {Describe(to)}.",
        };
        throw new DealRuleException(reason);
    }

    public static string Describe(RegistrationStatus status) => status switch
    {
        RegistrationStatus.Submitted => "submitted",
        RegistrationStatus.UnderReview => "in review",
        RegistrationStatus.Approved => "approved",
        RegistrationStatus.Rejected => "rejected",
        RegistrationStatus.Expired => "expired",
        RegistrationStatus.Won => "won",
        RegistrationStatus.Lost => "lost",
        _ => status.ToString(),
    };
}

/// <summary>Registration numbers: <c>DR-1042</c>.</summary>
public static partial class RegistrationNumber
{
    public const string Prefix = "DR-";

    public static string Format(long number) => Prefix + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads "DR-1042", "dr 1042", "DR1042" or a bare "1042"; null if there is none.</summary>
    public static long? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var match = NumberPattern().Match(text);
        if (match.Success)
        {
            return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bare) ? bare : null;
    }

    /// <summary>Every registration number mentioned in a text.</summary>
    public static IReadOnlyList<long> FindAll(string? text) =>
        string.IsNullOrEmpty(text) ? [] : NumberPattern().Matches(text).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToList();

    [GeneratedRegex(@"\bDR\s*[-#]?\s*(\d{1,9})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();
}

/// <summary>The lifecycle or a program rule does not allow the action; the message says why.</summary>
public sealed class DealRuleException(string message) : Exception(message);

/// <summary>The input is invalid; <see cref="Problems"/> lists every problem in words a partner understands.</summary>
public sealed class DealValidationException(IReadOnlyList<string> problems) : Exception(string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>The caller's role may not do this. (Registrations of other organisations are reported as not found instead.)</summary>
public sealed class DealAccessDeniedException(string message) : Exception(message);

/// <summary>No registration with that number is visible to the caller: it does not exist or belongs to another organisation.</summary>
public sealed class DealNotFoundException(long number)
    : Exception($"I can't find {RegistrationNumber.Format(number)} among the registrations you can see. Check the number, or ask \"show my open registrations\".")
{
    public long Number { get; } = number;
}
