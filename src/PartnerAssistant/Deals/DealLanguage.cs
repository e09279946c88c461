using System.Globalization;
using System.Text.RegularExpressions;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>
/// Reads deal details out of what people type, with rules rather than a language model (none runs
/// offline): amounts ("250k", "$1.2m", "€300,000"), currencies, close dates ("closing in March" is
/// the last day of the next March), products from the catalogue, roles, partners, periods. It only
/// pre-fills: the person checks and completes the card before anything is saved.
/// </summary>
public static partial class DealLanguage
{
    private static readonly string[] Months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private static readonly (string Phrase, Products Product)[] ProductPhrases =
    [
        ("data fabric", Products.DataFabric), ("fabric", Products.DataFabric), ("lakehouse", Products.DataFabric), ("data platform", Products.DataFabric), ("data estate", Products.DataFabric),
        ("ai studio", Products.AiStudio), ("machine learning", Products.AiStudio), ("genai", Products.AiStudio), ("ml models", Products.AiStudio), ("ai", Products.AiStudio),
        ("edge runtime", Products.EdgeRuntime), ("edge", Products.EdgeRuntime), ("gateway", Products.EdgeRuntime), ("visual inspection", Products.EdgeRuntime), ("ocr", Products.EdgeRuntime),
        ("cloud migration services", Products.CloudMigration), ("cloud migration", Products.CloudMigration), ("migration", Products.CloudMigration), ("migrate", Products.CloudMigration),
    ];

    private static readonly (string Phrase, PartnerRole Role)[] RolePhrases =
    [
        ("reseller", PartnerRole.Reseller), ("resell", PartnerRole.Reseller), ("var", PartnerRole.Reseller), ("transacting", PartnerRole.Reseller),
        ("marketplace", PartnerRole.Marketplace), ("private offer", PartnerRole.Marketplace),
        ("systems integrator", PartnerRole.Integration), ("integrator", PartnerRole.Integration), ("integration", PartnerRole.Integration), ("si", PartnerRole.Integration), ("msp", PartnerRole.Integration), ("managed services", PartnerRole.Integration),
        ("isv component", PartnerRole.IsvComponent), ("isv", PartnerRole.IsvComponent), ("component", PartnerRole.IsvComponent),
        ("influencer", PartnerRole.Influence), ("influence", PartnerRole.Influence), ("advisor", PartnerRole.Influence), ("consultant", PartnerRole.Influence),
        ("referral", PartnerRole.Referral), ("referred", PartnerRole.Referral), ("referrer", PartnerRole.Referral),
    ];

    private static readonly HashSet<string> NotACustomer =
    [
        "anyone", "anybody", "someone", "somebody", "it", "this", "that", "there", "this customer", "the customer", "another partner",
        "other partner", "any partner", "other partners", "another", "us", "me", "we", "my customer", "our customer", "them", "they", "those", "these", "him", "her",
    ];

    private static readonly Dictionary<string, string> CurrencySymbols = new()
    {
        ["$"] = "USD", ["us$"] = "USD", ["€"] = "EUR", ["£"] = "GBP", ["¥"] = "JPY", ["c$"] = "CAD", ["a$"] = "AUD", ["s$"] = "SGD", ["chf"] = "CHF",
    };

    private static readonly Dictionary<string, string> CurrencyWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dollars"] = "USD", ["dollar"] = "USD", ["bucks"] = "USD", ["euros"] = "EUR", ["euro"] = "EUR", ["pounds"] = "GBP", ["sterling"] = "GBP", ["yen"] = "JPY", ["francs"] = "CHF",
    };

    /// <summary>What a "register a deal …" message says, as a draft for the registration card.</summary>
    public static RegistrationDraft ParseRegistration(string utterance, DateOnly today, Organisation registrant, IReadOnlyList<Organisation> partners)
    {
        var text = (utterance ?? "").Trim();
        var money = FindMoney(text);
        var customer = FindCustomer(text);
        var products = FindProducts(text);
        var others = FindPartners(text, registrant, partners);
        var role = FindOwnRole(text, FindOrganisations(text, partners, registrant));
        var opportunity = FindOpportunity(text, customer, partners);
        if (opportunity is null && customer is not null && products != Products.None)
        {
            opportunity = $"{customer} – {DealCatalog.Describe(products)}";
        }

        return new RegistrationDraft
        {
            Customer = customer ?? "",
            CustomerDomain = customer is null ? null : CustomerNames.DomainOf(customer),
            Opportunity = opportunity ?? "",
            Products = products,
            Amount = money?.Amount,
            Currency = money?.Currency,
            ExpectedClose = FindCloseDate(text, today),
            Role = role is { } r && DealCatalog.RolesFor(registrant.PartnerType).Contains(r) ? r : null,
            OtherPartners = others,
        };
    }

    public sealed record MoneyMention(decimal Amount, string? Currency);

    /// <summary>The first amount of money in a text: "250k", "$1.2m", "€300,000", "300000 EUR", "1.5 million dollars".
    /// Bare numbers count only from 1,000 up and never when they look like a year or a DR number.</summary>
    public static MoneyMention? FindMoney(string text)
    {
        foreach (Match match in MoneyPattern().Matches(text))
        {
            var prefix = match.Groups["prefix"].Value.Trim().ToLowerInvariant();
            var suffix = match.Groups["suffix"].Value.Trim();
            var multiplierText = match.Groups["mult"].Value.ToLowerInvariant();
            var numberText = match.Groups["num"].Value.Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            if (!decimal.TryParse(numberText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var numberAt = match.Groups["num"].Index;
            var before = text[..match.Index];
            if (Regex.IsMatch(text[..numberAt], @"DR\s*[-#]?\s*$", RegexOptions.IgnoreCase) || (prefix.Length == 0 && numberAt > 0 && char.IsLetterOrDigit(text[numberAt - 1])))
            {
                continue;
            }

            var negative = before.TrimEnd().EndsWith('-') || before.TrimEnd().EndsWith("minus", StringComparison.OrdinalIgnoreCase);
            var multiplier = multiplierText switch
            {
                "k" or "thousand" or "grand" => 1_000m,
                "m" or "mm" or "mn" or "million" or "mio" => 1_000_000m,
                "b" or "bn" or "billion" => 1_000_000_000m,
                _ => 1m,
            };
            string? currency = null;
            if (prefix.Length > 0)
            {
                currency = CurrencySymbols.TryGetValue(prefix, out var symbol) ? symbol : prefix.ToUpperInvariant();
            }
            else if (suffix.Length > 0)
            {
                currency = CurrencyWords.TryGetValue(suffix, out var word) ? word : suffix.ToUpperInvariant();
            }

            var hasMarker = currency is not null || multiplier != 1m;
            var looksLikeYear = !hasMarker && numberText.Length == 4 && number is >= 1900 and <= 2100;
            var followedByMonth = !hasMarker && MonthAfter().IsMatch(text[(match.Index + match.Length)..]);
            if (!hasMarker && (number < 1000 || looksLikeYear || followedByMonth))
            {
                continue;
            }

            var amount = number * multiplier;
            return new MoneyMention(negative ? -amount : amount, currency);
        }

        return null;
    }

    /// <summary>The expected close: an ISO date, "15 March 2027", "March 15", "in March" (the month's last day, next
    /// occurrence), "Q3" (the quarter's last day), "end of year", "next month".</summary>
    public static DateOnly? FindCloseDate(string text, DateOnly today)
    {
        var lower = text.ToLowerInvariant();
        if (IsoDate().Match(lower) is { Success: true } iso && DateOnly.TryParseExact(iso.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var isoDate))
        {
            return isoDate;
        }

        if (DayMonth().Match(lower) is { Success: true } dm && MonthIndex(dm.Groups["month"].Value) is { } month1)
        {
            var day = int.Parse(dm.Groups["day"].Value, CultureInfo.InvariantCulture);
            int? year = dm.Groups["year"].Success ? int.Parse(dm.Groups["year"].Value, CultureInfo.InvariantCulture) : null;
            return SafeDate(year, month1, day, today);
        }

        if (MonthDay().Match(lower) is { Success: true } md && MonthIndex(md.Groups["month"].Value) is { } month2)
        {
            var day = int.Parse(md.Groups["day"].Value, CultureInfo.InvariantCulture);
            int? year = md.Groups["year"].Success ? int.Parse(md.Groups["year"].Value, CultureInfo.InvariantCulture) : null;
            return SafeDate(year, month2, day, today);
        }

        if (Quarter().Match(lower) is { Success: true } q)
        {
            var quarter = int.Parse(q.Groups["q"].Value, CultureInfo.InvariantCulture);
            var year = q.Groups["year"].Success ? ParseYear(q.Groups["year"].Value) : today.Year;
            var end = new DateOnly(year, quarter * 3, 1).AddMonths(1).AddDays(-1);
            return !q.Groups["year"].Success && end < today ? end.AddYears(1) : end;
        }

        if (MonthOnly().Match(lower) is { Success: true } m && MonthIndex(m.Groups["month"].Value) is { } month3)
        {
            if (m.Groups["year"].Success)
            {
                var year = int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture);
                return new DateOnly(year, month3, DateTime.DaysInMonth(year, month3));
            }

            var candidateYear = month3 >= today.Month ? today.Year : today.Year + 1;
            return new DateOnly(candidateYear, month3, DateTime.DaysInMonth(candidateYear, month3));
        }

        if (lower.Contains("end of year", StringComparison.Ordinal) || lower.Contains("year end", StringComparison.Ordinal) || lower.Contains("year-end", StringComparison.Ordinal))
        {
            return new DateOnly(today.Year, 12, 31);
        }

        if (lower.Contains("next month", StringComparison.Ordinal))
        {
            var next = today.AddMonths(1);
            return new DateOnly(next.Year, next.Month, DateTime.DaysInMonth(next.Year, next.Month));
        }

        if (lower.Contains("end of month", StringComparison.Ordinal) || lower.Contains("this month", StringComparison.Ordinal))
        {
            return new DateOnly(today.Year, today.Month, DateTime.DaysInMonth(today.Year, today.Month));
        }

        return null;
    }

    /// <summary>Catalogue products a text names ("Azure migration" is Cloud Migration Services).</summary>
    public static Products FindProducts(string text)
    {
        var words = " " + NonWord().Replace(text.ToLowerInvariant(), " ") + " ";
        var found = Products.None;
        foreach (var (phrase, product) in ProductPhrases)
        {
            if (words.Contains($" {phrase} ", StringComparison.Ordinal))
            {
                found |= product;
            }
        }

        return found;
    }

    /// <summary>The first role a text names, as a word on its own ("the reseller", "SI", "as influencer").</summary>
    public static PartnerRole? FindRole(string text)
    {
        var words = " " + NonWord().Replace(text.ToLowerInvariant(), " ") + " ";
        var best = (Index: int.MaxValue, Role: (PartnerRole?)null);
        foreach (var (phrase, role) in RolePhrases)
        {
            var index = words.IndexOf($" {phrase} ", StringComparison.Ordinal);
            if (index >= 0 && index < best.Index)
            {
                best = (index, role);
            }
        }

        return best.Role;
    }

    /// <summary>Partner organisations a text names, by name, first word of the name, or id; excluding <paramref name="self"/>.</summary>
    public static IReadOnlyList<Organisation> FindOrganisations(string text, IReadOnlyList<Organisation> organisations, Organisation? self = null)
    {
        var lower = " " + NonWord().Replace(text.ToLowerInvariant(), " ") + " ";
        return organisations
            .Where(o => !o.IsVendor && o.Id != self?.Id)
            .Select(o => (Organisation: o, Index: new[] { o.Name, o.Name.Split(' ')[0], o.Id }
                .Select(n => lower.IndexOf(" " + Regex.Replace(n.ToLowerInvariant(), @"[^\p{L}\p{N}]+", " ").Trim() + " ", StringComparison.Ordinal))
                .Where(i => i >= 0).DefaultIfEmpty(-1).Min()))
            .Where(x => x.Index >= 0)
            .OrderBy(x => x.Index)
            .Select(x => x.Organisation)
            .ToList();
    }

    /// <summary>The customer a question is about: "is Fabrikam registered?", "has anyone registered Initrode yet?", "who is working
    /// on Contoso?", "registrations for contoso.com", "has Initrode been registered", "before I go after Initrode: …".</summary>
    public static string? FindCustomerInQuestion(string text)
    {
        foreach (var pattern in new[] { IsRegistered(), RegisteredName(), WorkingOn(), AboutCustomer(), TopicFirst(), Approaching() })
        {
            if (pattern.Match(text) is { Success: true } match)
            {
                var name = CleanCustomer(match.Groups["customer"].Value);
                if (name.Length > 0 && !NotACustomer.Contains(name.ToLowerInvariant()))
                {
                    return name;
                }
            }
        }

        return null;
    }

    /// <summary>A reporting period: "this quarter", "last year", "Q1 2026", "2026", "this month", "last 90 days",
    /// "from 2026-01-01 to 2026-06-30". Null when the text names none.</summary>
    public static (DateOnly From, DateOnly To)? FindPeriod(string text, DateOnly today)
    {
        var lower = text.ToLowerInvariant();
        var isoDates = IsoDate().Matches(lower).Select(m => DateOnly.ParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        if (isoDates.Count >= 2)
        {
            return (isoDates.Min(), isoDates.Max());
        }

        var quarterStart = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        if (Quarter().Match(lower) is { Success: true } q)
        {
            var quarter = int.Parse(q.Groups["q"].Value, CultureInfo.InvariantCulture);
            var year = q.Groups["year"].Success ? ParseYear(q.Groups["year"].Value) : today.Year;
            var start = new DateOnly(year, (quarter - 1) * 3 + 1, 1);
            return (start, start.AddMonths(3).AddDays(-1));
        }

        if (lower.Contains("this quarter", StringComparison.Ordinal) || lower.Contains("current quarter", StringComparison.Ordinal) || lower.Contains("quarter to date", StringComparison.Ordinal))
        {
            return (quarterStart, quarterStart.AddMonths(3).AddDays(-1));
        }

        if (lower.Contains("last quarter", StringComparison.Ordinal) || lower.Contains("previous quarter", StringComparison.Ordinal))
        {
            var start = quarterStart.AddMonths(-3);
            return (start, quarterStart.AddDays(-1));
        }

        if (lower.Contains("this month", StringComparison.Ordinal))
        {
            var start = new DateOnly(today.Year, today.Month, 1);
            return (start, start.AddMonths(1).AddDays(-1));
        }

        if (lower.Contains("last month", StringComparison.Ordinal))
        {
            var start = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
            return (start, start.AddMonths(1).AddDays(-1));
        }

        if (LastDays().Match(lower) is { Success: true } days)
        {
            return (today.AddDays(-int.Parse(days.Groups["n"].Value, CultureInfo.InvariantCulture)), today);
        }

        if (lower.Contains("trailing", StringComparison.Ordinal) || lower.Contains("last 12 months", StringComparison.Ordinal) || lower.Contains("last twelve months", StringComparison.Ordinal) || lower.Contains("past year", StringComparison.Ordinal))
        {
            return (today.AddYears(-1).AddDays(1), today);
        }

        if (lower.Contains("this year", StringComparison.Ordinal) || lower.Contains("year to date", StringComparison.Ordinal) || lower.Contains("ytd", StringComparison.Ordinal))
        {
            return (new DateOnly(today.Year, 1, 1), new DateOnly(today.Year, 12, 31));
        }

        if (lower.Contains("last year", StringComparison.Ordinal) || lower.Contains("previous year", StringComparison.Ordinal))
        {
            return (new DateOnly(today.Year - 1, 1, 1), new DateOnly(today.Year - 1, 12, 31));
        }

        if (Year().Match(lower) is { Success: true } y)
        {
            var year = int.Parse(y.Value, CultureInfo.InvariantCulture);
            return (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        }

        return null;
    }

    /// <summary>A date mentioned in a text (for touches and outcomes); null when none is.</summary>
    public static DateOnly? FindDate(string text, DateOnly today)
    {
        var lower = text.ToLowerInvariant();
        if (lower.Contains("yesterday", StringComparison.Ordinal))
        {
            return today.AddDays(-1);
        }

        if (lower.Contains("today", StringComparison.Ordinal))
        {
            return today;
        }

        if (IsoDate().Match(lower) is { Success: true } iso)
        {
            return DateOnly.ParseExact(iso.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        // A day and month in the past: the last such date on or before today.
        foreach (var match in new[] { DayMonth().Match(lower), MonthDay().Match(lower) })
        {
            if (match.Success && MonthIndex(match.Groups["month"].Value) is { } month)
            {
                var day = int.Parse(match.Groups["day"].Value, CultureInfo.InvariantCulture);
                var year = match.Groups["year"].Success ? int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture) : today.Year;
                if (day > DateTime.DaysInMonth(year, month))
                {
                    return null;
                }

                var date = new DateOnly(year, month, day);
                return !match.Groups["year"].Success && date > today ? date.AddYears(-1) : date;
            }
        }

        return null;
    }

    private static IReadOnlyList<InvolvedPartner> FindPartners(string text, Organisation registrant, IReadOnlyList<Organisation> partners)
    {
        var result = new List<InvolvedPartner>();
        var lower = text.ToLowerInvariant();
        foreach (var organisation in FindOrganisations(text, partners, registrant))
        {
            var allowed = DealCatalog.RolesFor(organisation.PartnerType);
            // The role named right after the partner ("Meridian as influence", "Keystone (integration)").
            var name = organisation.Name.Split(' ')[0].ToLowerInvariant();
            var at = lower.IndexOf(name, StringComparison.Ordinal);
            if (at < 0)
            {
                at = lower.IndexOf(organisation.Id, StringComparison.Ordinal);
            }

            var window = at >= 0 ? lower.Substring(at, Math.Min(40, lower.Length - at)) : "";
            var role = FindRole(window.Length > name.Length ? window[name.Length..] : "") is { } r && allowed.Contains(r) ? r : DealCatalog.DefaultRole(organisation.PartnerType);
            result.Add(new InvolvedPartner(organisation.Id, role));
        }

        return result.Take(RegistrationDraft.OtherPartnerSlots).ToList();
    }

    private static PartnerRole? FindOwnRole(string text, IReadOnlyList<Organisation> others)
    {
        var lower = text.ToLowerInvariant();
        foreach (Match own in OwnRole().Matches(lower))
        {
            // "with Meridian as influence" is Meridian's role, not ours.
            var before = lower[Math.Max(0, own.Index - 30)..own.Index];
            if (others.Any(o => before.Contains(o.Name.Split(' ')[0].ToLowerInvariant(), StringComparison.Ordinal) || before.Contains(o.Id, StringComparison.Ordinal)))
            {
                continue;
            }

            if (FindRole(own.Groups["role"].Value) is { } role)
            {
                return role;
            }
        }

        return others.Count == 0 ? FindRole(text) : null;
    }

    /// <summary>The customer a registration request names: after "for", "customer:" or "at" ("register a deal for Contoso"), or
    /// right after the command ("register Pinewood Logistics: …"). A product ("register it for Edge Runtime") or a pronoun is no
    /// customer: the form then asks for one rather than filling in the product.</summary>
    private static string? FindCustomer(string text)
    {
        // What follows "for" may be an amount or a product ("for 50k", "for Edge Runtime"): then the name may come first
        // ("register Pinewood Logistics for Edge Runtime"); when nothing follows it, no customer is named.
        var nothing = false;
        foreach (Match match in CustomerAfterFor().Matches(text))
        {
            var named = CleanCustomer(CustomerEnd().Split(match.Groups["customer"].Value)[0]);
            if (named.Length > 0 && FindMoney(named) is null && !IsProductOrPronoun(named))
            {
                return named;
            }

            nothing |= named.Length == 0;
        }

        var stripped = LeadingCommand().Replace(text, "");
        if (nothing || stripped.Length == text.Length || stripped.Length == 0 || CustomerAfterFor().Match(stripped) is { Success: true, Index: 0 })
        {
            return null;
        }

        var first = CleanCustomer(CustomerEnd().Split(stripped)[0]);
        return first.Length == 0 || FindMoney(first) is not null || IsProductOrPronoun(first) ? null : first;
    }

    private static bool IsProductOrPronoun(string name) => NotACustomer.Contains(name.ToLowerInvariant()) || IsProduct(name);

    private static bool IsProduct(string name)
    {
        var words = NonWord().Replace(name.ToLowerInvariant(), " ").Trim();
        words = words.StartsWith("northbeam ", StringComparison.Ordinal) ? words["northbeam ".Length..] : words;
        return ProductPhrases.Any(p => p.Phrase == words);
    }

    private static string? FindOpportunity(string text, string? customer, IReadOnlyList<Organisation> partners)
    {
        if (customer is null)
        {
            return null;
        }

        var at = text.IndexOf(customer, StringComparison.OrdinalIgnoreCase);
        var rest = at >= 0 ? text[(at + customer.Length)..] : text;
        foreach (var raw in rest.Split([',', ';', '–', '—', '(', ')'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var segment = Regex.Replace(raw, @"^(and|the|for|-)\s+", "", RegexOptions.IgnoreCase).Trim(' ', '-', '.');
            if (segment.Length < 3 || FindMoney(segment) is not null || FindCloseDate(segment, DateOnly.MinValue) is not null
                || OwnRole().IsMatch(segment.ToLowerInvariant()) || FindOrganisations(segment, partners).Count > 0
                || Regex.IsMatch(segment, @"\b(closing|close|closes|expected|about|around|worth|valued|currency|usd|eur|gbp|we are|we're|our role)\b", RegexOptions.IgnoreCase))
            {
                continue;
            }

            return segment.Length > 200 ? segment[..200] : segment;
        }

        return null;
    }

    private static string CleanCustomer(string value)
    {
        var name = value.Trim().Trim('"', '\'', '“', '”', '?', '.', '!', ',', ':', ' ');
        name = Regex.Replace(name, @"\s+(already|yet|right now|now|currently|at the moment|account|please|today)$", "", RegexOptions.IgnoreCase).Trim();
        name = Regex.Replace(name, @"^(the customer|customer|account|the account)\s+", "", RegexOptions.IgnoreCase).Trim();
        return name.Length > 200 ? name[..200] : name;
    }

    private static DateOnly? SafeDate(int? year, int month, int day, DateOnly today)
    {
        var y = year ?? today.Year;
        if (day < 1 || day > DateTime.DaysInMonth(y, month))
        {
            return null;
        }

        var date = new DateOnly(y, month, day);
        return year is null && date < today ? date.AddYears(1) : date;
    }

    private static int ParseYear(string text)
    {
        var year = int.Parse(text, CultureInfo.InvariantCulture);
        return year < 100 ? 2000 + year : year;
    }

    private static int? MonthIndex(string text)
    {
        var lower = text.ToLowerInvariant();
        for (var i = 0; i < Months.Length; i++)
        {
            if (Months[i] == lower || (lower.Length >= 3 && Months[i].StartsWith(lower, StringComparison.Ordinal)))
            {
                return i + 1;
            }
        }

        return null;
    }

    private const string MonthNames = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

    [GeneratedRegex(@"(?<prefix>us\$|c\$|a\$|s\$|[$€£¥]|\b(?:usd|eur|gbp|cad|aud|jpy|chf|sgd|inr|sek|nok|dkk|nzd|brl|mxn|zar|(?-i:[A-Z]{3})(?=\s*\d)))?\s*(?<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?<mult>k|mm|mn|m|bn|b|thousand|grand|million|mio|billion)?\b(?:\s*(?<suffix>usd|eur|gbp|cad|aud|jpy|chf|sgd|inr|sek|nok|dkk|nzd|brl|mxn|zar|dollars?|euros?|pounds|sterling|yen|francs|bucks|(?-i:[A-Z]{3})\b(?!\s*\d)))?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MoneyPattern();

    [GeneratedRegex(@"^\s*(?:st|nd|rd|th)?\s*(?:" + MonthNames + @")\b", RegexOptions.IgnoreCase)]
    private static partial Regex MonthAfter();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\b(?<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+(?<month>" + MonthNames + @")\b(?:,?\s+(?<year>20\d{2}))?")]
    private static partial Regex DayMonth();

    [GeneratedRegex(@"\b(?<month>" + MonthNames + @")\s+(?<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?<year>20\d{2}))?")]
    private static partial Regex MonthDay();

    [GeneratedRegex(@"\b(?<month>" + MonthNames + @")\b(?:\s+(?<year>20\d{2}))?")]
    private static partial Regex MonthOnly();

    [GeneratedRegex(@"\bq(?<q>[1-4])\b(?:\s*(?:fy)?\s*(?<year>20\d{2}|\d{2})\b)?")]
    private static partial Regex Quarter();

    [GeneratedRegex(@"\b(?:last|past|previous)\s+(?<n>\d{1,4})\s+days\b")]
    private static partial Regex LastDays();

    [GeneratedRegex(@"\b20\d{2}\b")]
    private static partial Regex Year();

    [GeneratedRegex(@"\b(?:we\s+are|we're|were|as|our\s+role\s+is|our\s+role:|role:?|acting\s+as|i'm|i\s+am)\s+(?:the\s+|a\s+|an\s+)?(?<role>[a-z][a-z /-]{1,30})")]
    private static partial Regex OwnRole();

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NonWord();

    [GeneratedRegex(@"\b(?:for|customer:?|with\s+customer|at)\s+(?<customer>[^,;\n]+)", RegexOptions.IgnoreCase)]
    private static partial Regex CustomerAfterFor();

    [GeneratedRegex(@"^\s*(?:please\s+)?(?:i\s+(?:want|need|would\s+like)\s+to\s+)?(?:register|registering|log|submit|create|add|open|new)\s+(?:a\s+|an\s+|the\s+|my\s+|new\s+)*(?:deal|opportunity|registration|deal\s+registration)?(?:\s+registration)?\s*:?\s*", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingCommand();

    [GeneratedRegex(@"\s+(?:-|–|—)\s+|\s+(?:about|around|approx(?:imately)?|worth|valued|value|for|closing|close|closes|expected|by|in|on|with|as|we|our|deal|opportunity|worth|totaling|totalling|amount|of)\s+|\s+\d|\s*[$€£¥]", RegexOptions.IgnoreCase)]
    private static partial Regex CustomerEnd();

    [GeneratedRegex(@"\b(?:is|has)\s+(?<customer>.+?)\s+(?:already\s+)?(?:been\s+)?(?:registered|taken|protected|claimed|locked|spoken for|(?:someone|somebody|anyone|another partner|a partner)(?:'s|’s) customer)\b", RegexOptions.IgnoreCase)]
    private static partial Regex IsRegistered();

    // "has anyone registered Initrode Systems yet?": a name (capitalised, as written) after the verb, ending the question.
    [GeneratedRegex(@"\b(?:registered|claimed|protected)\s+(?<customer>(?-i:[A-Z])[^?!\n,;]*?)(?:\s+(?:yet|already|before|so far))?\s*[?!.]*\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex RegisteredName();

    [GeneratedRegex(@"\b(?:working|selling|involved|active|engaged|touch(?:es|ed|ing)?)\s+(?:on\s+|with\s+|at\s+|in\s+)?(?:the\s+)?(?<customer>[^?!\n]+)|\bwho(?:'s|’s| is| else is)\s+(?:on|in|at)\s+(?<customer>(?-i:[A-Z])[^?!\n]*?)(?:\s+(?:rn|right now|now|today|currently|at the moment))?\s*[?!.]*\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex WorkingOn();

    [GeneratedRegex(@"\b(?:registrations?|registered|deals?|touches|partners|activity|anyone|anybody|somebody|someone|protection)\s+(?:\w+\s+)?(?:for|on|with|at|of)\s+(?<customer>[^?!\n]+)", RegexOptions.IgnoreCase)]
    private static partial Regex AboutCustomer();

    // "before I go after Pinewood Logistics: …", "before I call Woodgrove Bank …": a capitalised name after a verb of approaching a customer.
    [GeneratedRegex(@"\b(?:after|call|calling|ring|visit|visiting|pitch|pitching|approach|approaching|contact|contacting|chase|chasing|prospect|prospecting|target|targeting)\s+(?<customer>" + NameMasker.CapitalisedName + ")", RegexOptions.IgnoreCase)]
    private static partial Regex Approaching();

    // "Sable Freight: which partners are engaged there?", "Pinewood Logistics, anyone on it?": the name said first, as the
    // topic, and the question after it refers back to it. Not a greeting, thanks or a heading word ("Thanks, …", "Hi Sam, …",
    // "Question: …"), nor a number ("DR-1042: …").
    [GeneratedRegex(@"^(?!(?:hi|hey|hello|thanks|thank|cheers|ok|okay|so|also|sorry|question|update|btw|fyi|yes|no|well|right|great|cool|please|quick|dear|morning|afternoon|evening|note|reminder|urgent)\b)(?!\S*\d)(?<customer>" + NameMasker.CapitalisedName + @")\s*(?::|,|\s[-–—])\s+\S", RegexOptions.IgnoreCase)]
    private static partial Regex TopicFirst();
}
