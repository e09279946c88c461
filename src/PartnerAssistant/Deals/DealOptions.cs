using System.ComponentModel.DataAnnotations;

namespace PartnerAssistant.Deals;

/// <summary>Deal registration program rules and reporting settings, under the section <c>Deals</c>.</summary>
public sealed class DealOptions
{
    public const string SectionName = "Deals";

    /// <summary>Seed a demo set of registrations (numbers from DR-1001, DR-1042 owned by Bluewave) when the
    /// deal tables are empty. Default: true.</summary>
    public bool SeedDemo { get; set; } = true;

    /// <summary>Days an approved registration is protected, counted from approval. Default: 90. Range 1–730.</summary>
    [Range(1, 730)]
    public int ProtectionDays { get; set; } = 90;

    /// <summary>Days the one allowed extension adds to the expiry date. Default: 45. Range 1–365.</summary>
    [Range(1, 365)]
    public int ExtensionDays { get; set; } = 45;

    /// <summary>Business days (Monday to Friday) within which a review decision is due. Default: 2. Range 1–30.</summary>
    [Range(1, 30)]
    public int ReviewBusinessDays { get; set; } = 2;

    /// <summary>Days before expiry on which the owner is reminded. Default: 14 and 3.</summary>
    public List<int>? ReminderDays { get; set; }

    /// <summary>Similarity (0–1, see <see cref="CustomerNames.Similarity"/>) from which a different customer is
    /// flagged as a possible match. Default: 0.85.</summary>
    [Range(0.5, 1.0)]
    public double PossibleMatchThreshold { get; set; } = 0.85;

    /// <summary>The currency amounts are reported in. Default: <c>USD</c>.</summary>
    [Required, RegularExpression("^[A-Z]{3}$")]
    public string ReportingCurrency { get; set; } = "USD";

    /// <summary>The currency a registration gets when the partner names none. Default: <c>USD</c>.</summary>
    [Required, RegularExpression("^[A-Z]{3}$")]
    public string DefaultCurrency { get; set; } = "USD";

    /// <summary>Accepted currencies and how many units of the reporting currency one unit is worth. A currency
    /// not listed here is refused. Default: USD 1, EUR 1.08, GBP 1.27, CAD 0.73, AUD 0.66, JPY 0.0067, CHF 1.13,
    /// SGD 0.75, INR 0.012, SEK 0.095, NOK 0.093, DKK 0.145, NZD 0.6, BRL 0.18, MXN 0.055, ZAR 0.055.</summary>
    public Dictionary<string, decimal> ExchangeRates { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["USD"] = 1m,
        ["EUR"] = 1.08m,
        ["GBP"] = 1.27m,
        ["CAD"] = 0.73m,
        ["AUD"] = 0.66m,
        ["JPY"] = 0.0067m,
        ["CHF"] = 1.13m,
        ["SGD"] = 0.75m,
        ["INR"] = 0.012m,
        ["SEK"] = 0.095m,
        ["NOK"] = 0.093m,
        ["DKK"] = 0.145m,
        ["NZD"] = 0.6m,
        ["BRL"] = 0.18m,
        ["MXN"] = 0.055m,
        ["ZAR"] = 0.055m,
    };

    /// <summary>The largest amount one registration may carry, in the reporting currency; above it the
    /// amount is refused as a likely typo. Default: 50,000,000.</summary>
    [Range(1.0, 1e12)]
    public decimal MaxAmount { get; set; } = 50_000_000m;

    /// <summary>How far ahead an expected close date may be, in months. Default: 24. Range 1–120.</summary>
    [Range(1, 120)]
    public int MaxCloseMonthsAhead { get; set; } = 24;

    /// <summary>Half-life, in days, of the time-decay attribution model. Default: 7. Range 0.1–365.</summary>
    [Range(0.1, 365.0)]
    public double TimeDecayHalfLifeDays { get; set; } = 7;

    /// <summary>Up to this many partners on a deal the Shapley value is computed exactly; beyond, it is
    /// estimated from sampled join orders. Default: 12. Range 1–20.</summary>
    [Range(1, 20)]
    public int ShapleyExactLimit { get; set; } = 12;

    /// <summary>Join orders sampled when the Shapley value is estimated. Default: 5000. Range 100–1,000,000.</summary>
    [Range(100, 1_000_000)]
    public int ShapleySamples { get; set; } = 5000;

    /// <summary>How often the lifecycle service expires registrations, sends reminders and flags overdue
    /// reviews. Default: 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(15);

    public IReadOnlyList<int> EffectiveReminderDays =>
        (ReminderDays is { Count: > 0 } days ? days : [14, 3]).Where(d => d > 0).Distinct().OrderDescending().ToList();

    public bool IsKnownCurrency(string code) => ExchangeRates.ContainsKey(code);

    /// <summary>An amount in the reporting currency.</summary>
    public decimal ToReporting(decimal amount, string currency) =>
        ExchangeRates.TryGetValue(currency, out var rate) ? Math.Round(amount * rate, 2) : amount;
}
