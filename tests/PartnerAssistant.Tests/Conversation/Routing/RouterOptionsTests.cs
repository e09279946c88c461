using System.ComponentModel.DataAnnotations;
using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Tests.Conversation.Routing;

public sealed class RouterOptionsTests
{
    [Theory]
    [InlineData(nameof(RouterOptions.MaxUtteranceLength), 50, "The field MaxUtteranceLength must be between 100 and 100000.")]
    [InlineData(nameof(RouterOptions.RequestScore), 1.5, "The field RequestScore must be between 0 and 1.")]
    public void Validate_OutOfRange_SaysWhichFieldAndRange(string property, double value, string message)
    {
        var options = new RouterOptions();
        var info = typeof(RouterOptions).GetProperty(property)!;
        info.SetValue(options, Convert.ChangeType(value, info.PropertyType, System.Globalization.CultureInfo.InvariantCulture));
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Equal(message, Assert.Single(results).ErrorMessage);
    }

    [Fact]
    public void Defaults_AreValid()
    {
        var options = new RouterOptions();
        var results = new List<ValidationResult>();

        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.Empty(results.Select(r => r.ErrorMessage));
    }

    [Fact]
    public void Load_IntentNeedingAnUnknownKind_SaysWhichKindsThereAre()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("intents-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "deals.yaml"), "plugin: Deals\nintents:\n  - function: RegistrationStatus\n    summary: Check a registration\n    needs: invoice\n");

            var error = Assert.Throws<InvalidDataException>(() => IntentCatalog.Load(folder));

            Assert.Equal("deals.yaml: 'RegistrationStatus' needs 'invoice', which is none of Registration, Customer, MdfRequest, Partner.", error.Message);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_Phrasings_TeachEachIntentOnlyTheUtterancesThatAskForItAlone()
    {
        var catalog = LoadPrompts("""
            plugin: Mdf
            intents:
              - function: Balance
                summary: Show the MDF balance
                examples: [what is our mdf balance]
              - function: ListRequests
                summary: List MDF requests
                examples: [show our mdf requests]
            """, """
            # labelled conversations
            utterances:
              - { say: "how much co-marketing money is left for us", as: demo-partner, expect: [Mdf.Balance], kind: indirect }
              - { say: "wat is our mdf balence", as: demo-partner, expect: [Mdf.Balance], kind: typo }
              - { say: "and the requests?", as: demo-partner, after: "mdf balance", expect: [Mdf.ListRequests], kind: follow-up }
              - { say: "balance and requests please", as: demo-partner, expect: [Mdf.Balance, Mdf.ListRequests], kind: two }
              - { say: "status of MDF-9", as: demo-partner, expect: [Clarify], kind: entity }
            """);

        Assert.Equal(["how much co-marketing money is left for us"], catalog.ById["Mdf.Balance"].Phrasings);
        Assert.Equal(["what is our mdf balance"], catalog.ById["Mdf.Balance"].Examples);
        Assert.Empty(catalog.ById["Mdf.ListRequests"].Phrasings);
    }

    [Fact]
    public void Load_PhrasingLabelledWithNoIntent_SaysWhichFileAndLabel()
    {
        var error = Assert.Throws<InvalidDataException>(() => LoadPrompts(
            "plugin: Mdf\nintents:\n  - function: Balance\n    summary: Show the MDF balance\n",
            "utterances:\n  - { say: \"status of MDF-9\", as: demo-partner, expect: [Clarify], kind: entity }\n  - { say: \"money left?\", as: demo-partner, expect: [Mdf.Balanse], kind: typo }\n"));

        Assert.Equal("phrasings/tuning.yaml: 'Mdf.Balanse' is no intent (expected Plugin.Function, or Clarify, Refused).", error.Message);
    }

    /// <summary>The catalogue of a prompts folder (in a temporary folder, removed afterwards) holding one intents file and
    /// one file of labelled phrasings.</summary>
    private static IntentCatalog LoadPrompts(string intentsYaml, string phrasingsYaml)
    {
        var prompts = System.IO.Directory.CreateTempSubdirectory("prompts-").FullName;
        try
        {
            System.IO.Directory.CreateDirectory(Path.Combine(prompts, "intents"));
            System.IO.Directory.CreateDirectory(Path.Combine(prompts, IntentCatalog.PhrasingsFolder));
            File.WriteAllText(Path.Combine(prompts, "intents", "mdf.yaml"), intentsYaml);
            File.WriteAllText(Path.Combine(prompts, IntentCatalog.PhrasingsFolder, "tuning.yaml"), phrasingsYaml);
            return IntentCatalog.Load(Path.Combine(prompts, "intents"));
        }
        finally
        {
            System.IO.Directory.Delete(prompts, recursive: true);
        }
    }
}
