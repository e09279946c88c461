namespace PartnerAssistant.Tests;

/// <summary>Every CSV the product writes spells cells this way: no cell reaches a spreadsheet as a formula.</summary>
public sealed class CsvCellsTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example/\",\"x\")", "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\"")]
    [InlineData("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("+3", "+3")]
    [InlineData("1e-5", "1e-5")]
    [InlineData("Contoso, Ltd", "\"Contoso, Ltd\"")]
    [InlineData("", "")]
    public void Cell_FormulaStartsAreNeutralisedAndNumbersAreNot(string value, string written)
    {
        Assert.Equal(written, CsvCells.Cell(value));
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("-x")]
    [InlineData("'quoted already")]
    [InlineData("-5")]
    [InlineData("plain")]
    public void Restore_UndoesNeutraliseExactly(string value)
    {
        Assert.Equal(value, CsvCells.Restore(CsvCells.Neutralise(value)));
    }
}
