using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PartnerAssistant.Deals;

namespace BotHost.Cli;

/// <summary><c>deals import | export | attribution | revenue | investment</c>: move deal data to and from a CRM and
/// report attribution, as a channel manager would (named <c>cli:&lt;user&gt;</c> in the audit log).</summary>
internal static class DealsCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static Command Create()
    {
        var deals = new Command("deals", "Deal registrations (CSV import and export, attribution, revenue and ROPI, program investment) and the deal success model.");
        deals.Subcommands.Add(Import());
        deals.Subcommands.Add(Export());
        deals.Subcommands.Add(Attribution());
        deals.Subcommands.Add(Revenue());
        deals.Subcommands.Add(Investment());
        return deals;
    }

    private static Command Import()
    {
        var file = new Argument<string>("csv") { Description = "The CSV file (columns: see docs/deals.md)." };
        var command = new Command("import", "Import registrations and outcomes from a CSV file; known numbers get their outcome and missing touches.") { file };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CommandException($"There is no file {path}.", 2);
            }

            using var reader = new StreamReader(path);
            var report = await Registry(services).ImportCsvAsync(Operator(), reader, Path.GetFileName(path), token);
            Console.WriteLine($"Imported {path}: {report.Created} created, {report.Updated} updated, {report.Unchanged} unchanged, {report.Errors.Count} rows left out.");
            foreach (var error in report.Errors)
            {
                await Console.Error.WriteLineAsync(error);
            }

            return report.Errors.Count == 0 ? 0 : 4;
        }, ct));
        return command;
    }

    private static Command Export()
    {
        var file = new Argument<string>("csv") { Description = "The CSV file to write, or - for standard output." };
        var command = new Command("export", "Export every registration with its outcome and touches as CSV.") { file };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var path = parse.GetValue(file)!;
            if (path == "-")
            {
                await Registry(services).ExportCsvAsync(Operator(), Console.Out, token);
                return 0;
            }

            int count;
            await using (var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                count = await Registry(services).ExportCsvAsync(Operator(), writer, token);
            }

            Console.WriteLine($"Exported {count} registrations to {path}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command Attribution()
    {
        var model = ModelOption(required: true);
        var (from, to) = PeriodOptions();
        var deal = new Option<string?>("--deal") { Description = "One won deal (DR-1042) instead of a period." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("attribution", "Credit per partner for won deals under an attribution model.") { model, from, to, deal, json };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var chosen = ParseModel(parse.GetValue(model));
            var attribution = services.GetRequiredService<AttributionService>();
            try
            {
                if (parse.GetValue(deal) is { } dealText)
                {
                    var number = RegistrationNumber.Parse(dealText) ?? throw new CommandException($"\"{dealText}\" is not a registration number like DR-1042.", 2);
                    var result = await attribution.ForDealAsync(Operator(), number, chosen, token);
                    Print(parse.GetValue(json), result, () =>
                    {
                        Console.WriteLine($"{result.Number} {result.Customer} – {result.Opportunity}: {Money.Format(result.Revenue, result.Currency)} won {DealText.Iso(result.ClosedOn)}, {AttributionModels.Describe(chosen)}");
                        PrintCredits(result.Credits, result.Currency);
                    });
                    return 0;
                }

                var period = await attribution.ForPeriodAsync(Operator(), chosen, ParseDate(parse.GetValue(from), "--from"), ParseDate(parse.GetValue(to), "--to"), token);
                Print(parse.GetValue(json), period, () =>
                {
                    Console.WriteLine($"{AttributionModels.Describe(chosen)}, {Describe(period.From, period.To)}: {period.Deals} won deals, {Money.Format(period.Revenue, period.Currency)}");
                    PrintCredits(period.Credits, period.Currency);
                });
                return 0;
            }
            catch (Exception ex) when (ex is DealNotFoundException or DealRuleException)
            {
                throw new CommandException(ex.Message, 3);
            }
        }, ct));
        return command;
    }

    private static Command Revenue()
    {
        var model = ModelOption(required: false);
        var (from, to) = PeriodOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("revenue", "Partner-influenced and partner-sourced revenue and ROPI, per partner and per partner type.") { model, from, to, json };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var chosen = parse.GetValue(model) is { } name ? ParseModel(name) : AttributionModel.Linear;
            var report = await services.GetRequiredService<AttributionService>().RevenueAsync(Operator(), chosen, ParseDate(parse.GetValue(from), "--from"), ParseDate(parse.GetValue(to), "--to"), token);
            Print(parse.GetValue(json), report, () =>
            {
                var c = report.Currency;
                Console.WriteLine($"{Describe(report.From, report.To)}, {AttributionModels.Describe(chosen)} attribution: {report.WonDeals} won deals, {Money.Format(report.WonRevenue, c)}");
                Console.WriteLine($"partner-influenced {Money.Format(report.PartnerInfluenced, c)}, partner-sourced {Money.Format(report.PartnerSourced, c)}, investment {Money.Format(report.Investment, c)}, ROPI {Ropi(report.Ropi)}");
                Console.WriteLine();
                Console.WriteLine($"{"partner type",-30} {"attributed",16} {"influenced",16} {"sourced",16} {"investment",14} {"ROPI",6}");
                foreach (var type in report.PartnerTypes)
                {
                    Console.WriteLine($"{type.PartnerType,-30} {Amount(type.Attributed),16} {Amount(type.Influenced),16} {Amount(type.Sourced),16} {Amount(type.Investment),14} {Ropi(type.Ropi),6}");
                }

                Console.WriteLine();
                Console.WriteLine($"{"partner",-30} {"attributed",16} {"influenced",16} {"sourced",16} {"investment",14} {"ROPI",6}");
                foreach (var partner in report.Partners)
                {
                    Console.WriteLine($"{partner.PartnerName,-30} {Amount(partner.Attributed),16} {Amount(partner.Influenced),16} {Amount(partner.Sourced),16} {Amount(partner.Investment),14} {Ropi(partner.Ropi),6}");
                }
            });
            return 0;
        }, ct));
        return command;
    }

    private static Command Investment()
    {
        var investment = new Command("investment", "What the program invested in partners (MDF paid, rebates, enablement cost): the denominator of ROPI.");
        var partner = new Option<string>("--partner") { Description = "Partner organisation id.", Required = true };
        var from = new Option<string>("--from") { Description = "Period start, yyyy-MM-dd.", Required = true };
        var to = new Option<string>("--to") { Description = "Period end, yyyy-MM-dd.", Required = true };
        var mdf = new Option<decimal>("--mdf") { Description = "MDF paid, in the reporting currency." };
        var rebates = new Option<decimal>("--rebates") { Description = "Rebates paid." };
        var enablement = new Option<decimal>("--enablement") { Description = "Enablement cost." };
        var set = new Command("set", "Set one partner's investment for a period (replaces the same period).") { partner, from, to, mdf, rebates, enablement };
        set.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            try
            {
                var saved = await Registry(services).SetInvestmentAsync(Operator(), parse.GetValue(partner)!, ParseDate(parse.GetValue(from), "--from")!.Value, ParseDate(parse.GetValue(to), "--to")!.Value,
                    parse.GetValue(mdf), parse.GetValue(rebates), parse.GetValue(enablement), token);
                Console.WriteLine($"Saved {saved.PartnerId} {DealText.Iso(saved.PeriodStart)}..{DealText.Iso(saved.PeriodEnd)}: MDF {Amount(saved.Mdf)}, rebates {Amount(saved.Rebates)}, enablement {Amount(saved.Enablement)}.");
                return 0;
            }
            catch (DealValidationException ex)
            {
                throw new CommandException(string.Join(" ", ex.Problems), 2);
            }
        }, ct));

        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var list = new Command("list", "List investment rows.") { json };
        list.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var rows = await Registry(services).ListInvestmentsAsync(Operator(), null, token);
            Print(parse.GetValue(json), rows, () =>
            {
                foreach (var row in rows)
                {
                    Console.WriteLine($"{row.PartnerId,-14} {DealText.Iso(row.PeriodStart)}..{DealText.Iso(row.PeriodEnd)}  MDF {Amount(row.Mdf),12}  rebates {Amount(row.Rebates),12}  enablement {Amount(row.Enablement),12}");
                }
            });
            return 0;
        }, ct));

        investment.Subcommands.Add(set);
        investment.Subcommands.Add(list);
        return investment;
    }

    private static Option<string> ModelOption(bool required) => new("--model")
    {
        Description = "first-touch, last-touch, linear, time-decay, position-based (u-shaped), w-shaped or shapley.",
        Required = required,
    };

    private static (Option<string?> From, Option<string?> To) PeriodOptions() =>
        (new Option<string?>("--from") { Description = "First close date included, yyyy-MM-dd (default: all)." },
         new Option<string?>("--to") { Description = "Last close date included, yyyy-MM-dd (default: all)." });

    private static AttributionModel ParseModel(string? name) =>
        AttributionModels.Parse(name) ?? throw new CommandException($"\"{name}\" is not an attribution model; use first-touch, last-touch, linear, time-decay, position-based, w-shaped or shapley.", 2);

    private static DateOnly? ParseDate(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new CommandException($"{option} \"{text}\" is not a date like 2026-03-31.", 2);
    }

    private static DealRegistry Registry(IServiceProvider services) => services.GetRequiredService<DealRegistry>();

    private static PartnerAssistant.People.Caller Operator() => DealActors.Administrator("cli:" + Environment.UserName, "Command line");

    private static void Print<T>(bool json, T value, Action table)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(value, Json));
        }
        else
        {
            table();
        }
    }

    private static void PrintCredits(IReadOnlyList<PartnerCredit> credits, string currency)
    {
        Console.WriteLine($"{"partner",-30} {"type",-28} {"deals",5} {"credit (" + currency + ")",18}");
        foreach (var credit in credits)
        {
            Console.WriteLine($"{credit.PartnerName,-30} {credit.PartnerType,-28} {credit.Deals,5} {Amount(credit.Credit),18}");
        }
    }

    private static string Describe(DateOnly? from, DateOnly? to) =>
        from is null && to is null ? "all time" : $"{(from is { } f ? DealText.Iso(f) : "start")} to {(to is { } t ? DealText.Iso(t) : "today")}";

    private static string Amount(decimal value) => value.ToString("N2", CultureInfo.InvariantCulture);

    private static string Ropi(double? ropi) => ropi?.ToString("0.00", CultureInfo.InvariantCulture) ?? "n/a";
}
