using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;

namespace BotHost.Cli;

/// <summary><c>program metrics | onboardings | evaluate-tiers | remind</c>: the program dashboard's figures (JSON or CSV),
/// open onboardings, a tier evaluation that proposes changes, and overdue reminders, run as a channel manager
/// (named <c>cli:&lt;user&gt;</c> in the audit log).</summary>
internal static class ProgramCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static Command Create()
    {
        var program = new Command("program", "Partner program operations: metrics (JSON or CSV), onboardings, tier evaluation, reminders.");
        program.Subcommands.Add(Metrics());
        program.Subcommands.Add(Onboardings());
        program.Subcommands.Add(EvaluateTiers());
        program.Subcommands.Add(Remind());
        return program;
    }

    private static Command Metrics()
    {
        var from = new Option<string?>("--from") { Description = "First day, yyyy-MM-dd (default: the start of this quarter)." };
        var to = new Option<string?>("--to") { Description = "Last day, yyyy-MM-dd (default: the end of this quarter)." };
        var type = new Option<string?>("--type") { Description = "Partner type: Reseller, SystemsIntegrator, ManagedServiceProvider, SoftwareVendor, Influence, Marketplace, Distributor." };
        var tier = new Option<string?>("--tier") { Description = "Tier: Registered, Silver, Gold or Platinum." };
        var region = new Option<string?>("--region") { Description = "Region as the directory records it (NA, EMEA, APAC, LATAM)." };
        var csv = new Option<bool>("--csv") { Description = "Write CSV (section,metric,dimension,value) instead of JSON." };
        var command = new Command("metrics", "The dashboard's figures for a period and partner filter.") { from, to, type, tier, region, csv };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var quarterStart = new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1);
            PartnerType? partnerType = parse.GetValue(type) is { Length: > 0 } t
                ? ProgramLanguage.ParsePartnerType(t) ?? throw new CommandException($"\"{t}\" is not a partner type.", 2)
                : null;
            Tier? partnerTier = parse.GetValue(tier) is { Length: > 0 } n
                ? Enum.TryParse<Tier>(n, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : throw new CommandException($"\"{n}\" is not a tier.", 2)
                : null;
            var filter = new MetricsFilter(Date(parse.GetValue(from), "--from") ?? quarterStart, Date(parse.GetValue(to), "--to") ?? quarterStart.AddMonths(3).AddDays(-1),
                partnerType, partnerTier, parse.GetValue(region) is { Length: > 0 } r ? r.ToUpperInvariant() : null);
            try
            {
                var metrics = await services.GetRequiredService<ProgramMetricsService>().ComputeAsync(Operator(), filter, token);
                Console.Write(parse.GetValue(csv) ? ProgramMetricsService.ToCsv(metrics) : JsonSerializer.Serialize(metrics, Json) + Environment.NewLine);
                return 0;
            }
            catch (ProgramValidationException ex)
            {
                throw new CommandException(string.Join(" ", ex.Problems), 2);
            }
        }, ct));
        return command;
    }

    private static Command Onboardings()
    {
        var all = new Option<bool>("--all") { Description = "Include finished onboardings." };
        var command = new Command("onboardings", "Partners in onboarding: steps done, next step, overdue steps.") { all };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var views = await services.GetRequiredService<OnboardingService>().ListAsync(Operator(), openOnly: !parse.GetValue(all), token);
            foreach (var view in views)
            {
                var overdue = view.Steps.Where(s => s.Overdue).Select(s => s.Title).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{view.OrganisationId,-20} {view.DoneCount}/{view.Steps.Count} invited {view.InvitedOn:yyyy-MM-dd}  next: {view.Next?.Title ?? "done"}{(overdue.Count > 0 ? "  OVERDUE: " + string.Join("; ", overdue) : "")}"));
            }

            return 0;
        }, ct));
        return command;
    }

    private static Command EvaluateTiers()
    {
        var partner = new Option<string?>("--partner") { Description = "One partner organisation id (default: every partner)." };
        var command = new Command("evaluate-tiers", "Evaluate tiers now; changes are proposed for a channel manager to confirm in chat or the admin API.") { partner };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            IReadOnlyList<string> ids = parse.GetValue(partner) is { Length: > 0 } p ? [p] : [];
            try
            {
                var scorecards = await services.GetRequiredService<TierService>().EvaluateAsync(Operator(), ids, "command line", token);
                foreach (var s in scorecards)
                {
                    Console.WriteLine($"{s.OrganisationId,-20} {s.CurrentTier,-10} eligible {s.EligibleTier,-10}{(s.EligibleTier != s.CurrentTier ? " (change proposed)" : "")}");
                }

                return 0;
            }
            catch (ProgramNotFoundException ex)
            {
                throw new CommandException(ex.Message, 3);
            }
        }, ct));
        return command;
    }

    private static Command Remind()
    {
        var command = new Command("remind", "Send the overdue onboarding reminders now (the scheduler also does this).");
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var sent = await services.GetRequiredService<OnboardingService>().RemindOverdueAsync(token);
            Console.WriteLine($"Reminded {sent} overdue onboarding steps.");
            return 0;
        }, ct));
        return command;
    }

    private static DateOnly? Date(string? text, string option) =>
        string.IsNullOrWhiteSpace(text) ? null
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
            : throw new CommandException($"{option} \"{text}\" is not a date like 2026-03-31.", 2);

    private static Caller Operator() => ProgramActors.Administrator("cli:" + Environment.UserName, "Command line");
}
