using PartnerAssistant.Prediction;

namespace PartnerAssistant.Tests.Prediction;

public sealed class CsvTableTests
{
    [Theory]
    [InlineData(',')]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    public void Parse_AnyCommonDelimiter_IsDetected(char delimiter)
    {
        var text = string.Join('\n',
            string.Join(delimiter, "Deal", "Region", "Amount", "Outcome"),
            string.Join(delimiter, "D1", "EMEA", "1200", "Won"),
            string.Join(delimiter, "D2", "APAC", "800", "Lost"));

        var table = CsvTable.Parse(new StringReader(text));

        Assert.Equal(delimiter, table.Delimiter);
        Assert.Equal(["Deal", "Region", "Amount", "Outcome"], table.Columns);
        Assert.Equal("APAC", table.Rows[1][1]);
    }

    [Fact]
    public void Parse_QuotedCells_KeepDelimitersQuotesAndLineBreaks()
    {
        var text = "Customer,Note,Outcome\r\n\"Contoso, Ltd\",\"said \"\"yes\"\"\nthen paused\",Won\r\nFabrikam,,Lost\r\n";

        var table = CsvTable.Parse(new StringReader(text));

        Assert.Equal(',', table.Delimiter);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal("Contoso, Ltd", table.Rows[0][0]);
        Assert.Equal("said \"yes\"\nthen paused", table.Rows[0][1]);
        Assert.Null(table.Rows[1][1]);
    }

    [Fact]
    public void Parse_MoreCellsThanHeader_IsRefusedWithTheRecordNumber()
    {
        var error = Assert.Throws<InvalidDataException>(() => CsvTable.Parse(new StringReader("A,B\n1,2\n3,4,5\n")));

        Assert.Contains("Record 3 has 3 cells but the header has 2 columns", error.Message);
    }

    [Fact]
    public void Profile_Fixture_DetectsEachColumnKind()
    {
        var table = CsvTable.Load(PredictionTestData.OpportunitiesCsv);

        var kinds = ColumnProfiler.Profile(table).ToDictionary(p => p.Name);

        Assert.Equal(';', table.Delimiter);
        Assert.Equal(ColumnKind.Identifier, kinds["Opportunity Id"].Kind);
        Assert.Equal(ColumnKind.Date, kinds["Created On"].Kind);
        Assert.Equal(ColumnKind.Categorical, kinds["Channel"].Kind);
        Assert.Equal(ColumnKind.Numeric, kinds["Amount"].Kind);
        Assert.True(kinds["Amount"].DecimalComma);
        Assert.Equal(ColumnKind.Numeric, kinds["Employees"].Kind);
        Assert.True(kinds["Employees"].Missing > 0);
        Assert.Equal(ColumnKind.Boolean, kinds["Has Champion"].Kind);
        Assert.Equal(ColumnKind.Categorical, kinds["Result"].Kind);
    }

    [Fact]
    public void Profile_RegionCodeNa_IsNorthAmericaButMissingInNumbers()
    {
        var region = ColumnProfiler.ProfileColumn("Region", 0, ["NA", "EMEA", "NA", "APAC"]);
        var amount = ColumnProfiler.ProfileColumn("Amount", 1, ["100", "NA", "250", "75.5"]);
        var table = CsvTable.Parse(new StringReader("Region,Amount\nNA,100\nEMEA,NA\n"));

        Assert.Equal(ColumnKind.Categorical, region.Kind);
        Assert.Equal(ColumnKind.Numeric, amount.Kind);
        Assert.Equal("NA", table.Rows[0][0]);
        Assert.True(float.IsNaN(FeatureSchema.ParseNumber(new NumericFeature("Amount", ColumnKind.Numeric), table.Rows[1][1])));
    }

    [Theory]
    [InlineData("Opportunity Number", true)]
    [InlineData("deal_id", true)]
    [InlineData("Registration No", true)]
    [InlineData("opportunityId", true)]
    [InlineData("Number of partners", false)]
    [InlineData("Paid", false)]
    [InlineData("Region", false)]
    public void LooksLikeIdName_CommonIdNames_AreRecognised(string name, bool expected) =>
        Assert.Equal(expected, ColumnProfiler.LooksLikeIdName(name));
}
