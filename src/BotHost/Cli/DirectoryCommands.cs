using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using PartnerAssistant.People;

namespace BotHost.Cli;

/// <summary><c>directory list | add-person | remove-person | add-org</c>: edit who the assistant knows. (A person's data on
/// request, <c>export-person</c> and <c>erase-person</c>, is in <see cref="PrivacyCommands"/>.)</summary>
internal static class DirectoryCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static Command Create()
    {
        var directory = new Command("directory", "List and edit the people and organisations the assistant knows.");

        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var list = new Command("list", "List organisations and people.") { json };
        list.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var service = services.GetRequiredService<DirectoryService>();
            var organisations = await service.ListOrganisationsAsync(token);
            var people = await service.ListPeopleAsync(null, null, token);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { organisations, people }, Json));
                return 0;
            }

            foreach (var org in organisations)
            {
                Console.WriteLine(org.IsVendor ? $"{org.Name} [{org.Id}] (vendor)" : $"{org.Name} [{org.Id}] {org.PartnerType?.Describe()}, {org.Tier} tier, {org.Region}");
                foreach (var person in people.Where(p => p.OrganisationId == org.Id))
                {
                    Console.WriteLine($"    {person.DisplayName,-22} {person.Role.Describe(),-22} channel id {person.ChannelUserId}{(person.Active ? "" : " (inactive)")}");
                }
            }

            return 0;
        }, ct));

        var id = new Option<string>("--id") { Description = "Person id (e.g. jane-doe).", Required = true };
        var channelUser = new Option<string>("--channel-user") { Description = "Teams aadObjectId, or the channel's user id.", Required = true };
        var name = new Option<string>("--name") { Description = "Display name.", Required = true };
        var org = new Option<string>("--org") { Description = "Organisation id.", Required = true };
        var role = new Option<Role>("--role") { Description = "PartnerUser, PartnerAdmin, SalesRep, ChannelManager or EnablementEditor.", Required = true };
        var email = new Option<string?>("--email") { Description = "E-mail address." };
        var addPerson = new Command("add-person", "Add or replace a person.") { id, channelUser, name, org, role, email };
        addPerson.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var person = new Person
            {
                Id = parse.GetValue(id)!,
                ChannelUserId = parse.GetValue(channelUser)!,
                DisplayName = parse.GetValue(name)!,
                OrganisationId = parse.GetValue(org)!,
                Role = parse.GetValue(role),
                Email = parse.GetValue(email) ?? "",
            };
            try
            {
                await services.GetRequiredService<DirectoryService>().SavePersonAsync(person, token);
            }
            catch (DirectoryValidationException ex)
            {
                throw new CommandException(ex.Message, 2);
            }

            Console.WriteLine($"Saved {person.DisplayName} ({person.Role.Describe()}) at {person.OrganisationId}.");
            return 0;
        }, ct));

        var personId = new Argument<string>("id") { Description = "Person id." };
        var removePerson = new Command("remove-person", "Remove a person.") { personId };
        removePerson.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var removed = await services.GetRequiredService<DirectoryService>().RemovePersonAsync(parse.GetValue(personId)!, token);
            Console.WriteLine(removed ? "Removed." : "No such person.");
            return removed ? 0 : 3;
        }, ct));

        var orgId = new Option<string>("--id") { Description = "Organisation id (e.g. contoso-it).", Required = true };
        var orgName = new Option<string>("--name") { Description = "Organisation name.", Required = true };
        var type = new Option<PartnerType>("--type") { Description = "Reseller, SystemsIntegrator, ManagedServiceProvider, SoftwareVendor, Influence, Marketplace or Distributor.", Required = true };
        var tier = new Option<Tier>("--tier") { Description = "Registered, Silver, Gold or Platinum.", DefaultValueFactory = _ => Tier.Registered };
        var region = new Option<string>("--region") { Description = "Region (NA, EMEA, APAC, LATAM).", DefaultValueFactory = _ => "NA" };
        var addOrg = new Command("add-org", "Add or replace a partner organisation.") { orgId, orgName, type, tier, region };
        addOrg.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var organisation = new Organisation
            {
                Id = parse.GetValue(orgId)!,
                Name = parse.GetValue(orgName)!,
                PartnerType = parse.GetValue(type),
                Tier = parse.GetValue(tier),
                Region = parse.GetValue(region)!,
            };
            await services.GetRequiredService<DirectoryService>().SaveOrganisationAsync(organisation, token);
            Console.WriteLine($"Saved {organisation.Name}.");
            return 0;
        }, ct));

        directory.Subcommands.Add(list);
        directory.Subcommands.Add(addPerson);
        directory.Subcommands.Add(removePerson);
        directory.Subcommands.Add(addOrg);
        return directory;
    }
}
