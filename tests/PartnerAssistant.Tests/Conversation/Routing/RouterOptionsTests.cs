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
}
