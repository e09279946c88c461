using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>Reads what people write about the program: partner types, tiers, invitations, attestations, MDF requests.</summary>
public static partial class ProgramLanguage
{
    private static readonly (string Pattern, PartnerType Type)[] Types =
    [
        (@"\b(value[- ]added )?resellers?\b|\bvars?\b", PartnerType.Reseller),
        (@"\bsystems? integrators?\b|\bsis?\b|\bintegrators?\b", PartnerType.SystemsIntegrator),
        (@"\bmanaged service providers?\b|\bmsps?\b|\bmanaged services?\b", PartnerType.ManagedServiceProvider),
        (@"\b(independent )?software vendors?\b|\bisvs?\b", PartnerType.SoftwareVendor),
        (@"\binfluencers?\b|\binfluence( partners?)?\b|\bconsultan(cy|ts?)\b|\badvisory\b|\banalysts?\b", PartnerType.Influence),
        (@"\bmarketplace( partners?)?\b", PartnerType.Marketplace),
        (@"\bdistributors?\b|\bdisti\b", PartnerType.Distributor),
    ];

    public static PartnerType? FindPartnerType(string? text)
    {
        var lower = (text ?? "").ToLowerInvariant();
        return Types.Where(t => Regex.IsMatch(lower, t.Pattern)).Select(t => (PartnerType?)t.Type).FirstOrDefault();
    }

    /// <summary>Reads a partner type as the API or a card names it: the enum name or how people write it.</summary>
    public static PartnerType? ParsePartnerType(string? text) =>
        Enum.TryParse<PartnerType>(text, ignoreCase: true, out var type) && Enum.IsDefined(type) ? type : FindPartnerType(text);

    public static Tier? FindTier(string? text)
    {
        var lower = (text ?? "").ToLowerInvariant();
        return Regex.Match(lower, @"\b(platinum|gold|silver|registered)\b") is { Success: true } m
            ? Enum.Parse<Tier>(m.Value, ignoreCase: true)
            : null;
    }

    /// <summary>"invite Contoso IT as a reseller", "onboard Fabrikam Consulting (influence partner) in EMEA, admin Jane Doe jane@fabrikam.example".</summary>
    public static InviteRequest? ParseInvite(string utterance)
    {
        var text = utterance.Trim();
        var match = InvitePattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var name = match.Groups["name"].Value.Trim().Trim('"', '\'', ',', '.');
        var rest = text[(match.Groups["name"].Index + match.Groups["name"].Length)..];
        var email = EmailPattern().Match(rest) is { Success: true } e ? e.Value : null;
        var admin = AdminPattern().Match(rest) is { Success: true } a ? a.Groups["admin"].Value.Trim() : null;
        var region = RegionPattern().Match(rest) is { Success: true } r ? r.Value.ToUpperInvariant() : "";
        return name.Length == 0 ? null : new InviteRequest
        {
            Name = name,
            PartnerType = FindPartnerType(rest) ?? FindPartnerType(name),
            Region = region,
            AdminName = admin,
            AdminEmail = email,
        };
    }

    public static AttestationKind? FindAttestation(string? text)
    {
        var lower = (text ?? "").ToLowerInvariant();
        if (Regex.IsMatch(lower, @"\bfcpa\b|anti[- ]?corruption|anti[- ]?bribery|bribery"))
        {
            return AttestationKind.Fcpa;
        }

        if (Regex.IsMatch(lower, @"\besg\b|environmental|sustainability"))
        {
            return AttestationKind.Esg;
        }

        return Regex.IsMatch(lower, @"\bdpa\b|data[- ]protection|data processing|gdpr|privacy terms") ? AttestationKind.DataProtection : null;
    }

    public static CertificationLevel? FindLevel(string? text)
    {
        var lower = (text ?? "").ToLowerInvariant();
        return lower.Contains("professional", StringComparison.Ordinal) ? CertificationLevel.Professional
            : lower.Contains("associate", StringComparison.Ordinal) ? CertificationLevel.Associate : null;
    }

    /// <summary>"request MDF for a webinar in March, 8k" → a prefilled request (the eligible cost assumes full co-funding).</summary>
    public static MdfDraft ParseMdfRequest(string utterance, DateOnly today, IReadOnlyList<string> activityTypes, int sharePercent)
    {
        var lower = utterance.ToLowerInvariant();
        var type = activityTypes.Where(t => lower.Contains(t, StringComparison.Ordinal) || lower.Contains(t.Split(' ')[0], StringComparison.Ordinal))
            .OrderByDescending(t => t.Length).FirstOrDefault()
            ?? (Regex.IsMatch(lower, @"\b(seminar|breakfast|conference|trade ?show|booth|roadshow|summit)\b") ? activityTypes.FirstOrDefault(t => t == "event") : null)
            ?? (Regex.IsMatch(lower, @"\b(campaign|ads?|advertising|linkedin|email)\b") ? activityTypes.FirstOrDefault(t => t == "digital campaign") : null);
        var amount = DealLanguage.FindMoney(utterance) is { Amount: > 0 } money ? money.Amount : (decimal?)null;
        DateOnly? date = null;
        if (DealLanguage.FindCloseDate(utterance, today) is { } found)
        {
            // "in March" names a month, not a day: the middle of it is a placeholder the partner corrects on the form.
            var namesDay = Regex.IsMatch(lower, @"\b\d{1,2}(st|nd|rd|th)?\b(?!\s*(k|m|thousand|million)\b)") || IsoDate().IsMatch(lower);
            date = namesDay ? found : new DateOnly(found.Year, found.Month, 15);
        }

        var title = type is null ? "" : char.ToUpperInvariant(type[0]) + type[1..];
        if (TitlePattern().Match(utterance) is { Success: true } t)
        {
            title = t.Groups["title"].Value.Trim().TrimEnd(',', '.');
        }

        return new MdfDraft
        {
            ActivityType = type ?? "",
            Title = title,
            ActivityDate = date,
            RequestedAmount = amount,
            EligibleCost = amount is { } a ? Math.Round(a * 100m / sharePercent, 2) : null,
            SubmissionKey = Guid.NewGuid().ToString("N"),
        };
    }

    /// <summary>"actual cost 15k", "it cost $16,400": the claimed cost (the first amount after a cost word, else the first amount).</summary>
    public static decimal? FindActualCost(string utterance)
    {
        var at = Regex.Match(utterance, @"\b(cost|costs|spent|spend|total|came to|invoiced?)\b", RegexOptions.IgnoreCase);
        var text = at.Success ? utterance[at.Index..] : utterance;
        return DealLanguage.FindMoney(Regex.Replace(text, @"\bMDF[\s\-#]?\d+\b", " ", RegexOptions.IgnoreCase)) is { Amount: > 0 } money ? money.Amount : null;
    }

    /// <summary>"because …", "reason: …", "since …".</summary>
    public static string? FindReason(string utterance) =>
        Regex.Match(utterance, @"\b(?:because|reason:?|since|as the|due to)\s+(?<reason>.+)$", RegexOptions.IgnoreCase) is { Success: true } m ? m.Groups["reason"].Value.Trim() : null;

    /// <summary>The JSON object of a card submission, or null.</summary>
    public static JsonObject? TryParseObject(string? value) => Conversation.CardData.TryParseObject(value);

    public static string? Text(JsonObject? data, string name) => Conversation.CardData.Text(data, name);

    public static decimal? Number(JsonObject? data, string name) =>
        Text(data, name) is { } text && decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number) ? number : null;

    [GeneratedRegex(@"^\s*(?:please\s+)?(?:can you\s+)?(?:invite|onboard|add)\s+(?:the\s+)?(?:new\s+)?(?:partner\s+)?(?<name>.+?)(?=\s+(?:as|to join|to the|into|,|\(|with admin|admin)\b|\s*\(|,|$)", RegexOptions.IgnoreCase)]
    private static partial Regex InvitePattern();

    [GeneratedRegex(@"[^@\s,;()]+@[^@\s,;()]+\.[a-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"\b(?:admin(?:istrator)?|contact)(?:\s+is)?\s+(?<admin>[\p{Lu}][\p{L}'-]+(?:\s+[\p{Lu}][\p{L}'-]+)+)")]
    private static partial Regex AdminPattern();

    [GeneratedRegex(@"\b(emea|apac|latam|na)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\b(?:called|titled|named)\s+[""“]?(?<title>[^""”,]+)", RegexOptions.IgnoreCase)]
    private static partial Regex TitlePattern();
}
