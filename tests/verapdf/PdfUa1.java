// Validate PDFs against veraPDF's PDF/UA-1 profile, all in one JVM (its start-up is the slow part).
//
// Usage: java -cp VERAPDF_JARS:. PdfUa1 FILE.pdf...
// Prints, for each file, one line "FILE<TAB>path<TAB>compliant|failed" and then one line
// "FAIL<TAB>clause-test<TAB>count<TAB>description<TAB>first context" per failed rule.
import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.VeraPDFFoundry;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.RuleId;

public final class PdfUa1 {
    public static void main(String[] args) throws Exception {
        VeraGreenfieldFoundryProvider.initialise();
        PDFAFlavour flavour = PDFAFlavour.PDFUA_1;
        int failed = 0;
        try (VeraPDFFoundry foundry = Foundries.defaultInstance()) {
            // Report every failed check (not only the first), so counts are honest.
            PDFAValidator validator = foundry.createValidator(flavour, -1, false, true, false);
            for (String path : args) {
                try (PDFAParser parser = foundry.createParser(new File(path), flavour)) {
                    ValidationResult result = validator.validate(parser);
                    System.out.println("FILE\t" + path + "\t" + (result.isCompliant() ? "compliant" : "failed"));
                    if (!result.isCompliant()) {
                        failed++;
                    }
                    Map<String, String> first = new TreeMap<>();
                    Map<String, Integer> counts = new TreeMap<>();
                    for (TestAssertion assertion : result.getTestAssertions()) {
                        if (assertion.getStatus() != TestAssertion.Status.FAILED) {
                            continue;
                        }
                        RuleId rule = assertion.getRuleId();
                        String key = rule.getClause() + "-" + rule.getTestNumber();
                        counts.merge(key, 1, Integer::sum);
                        String context = assertion.getLocation() == null ? "" : assertion.getLocation().getContext();
                        first.putIfAbsent(key, oneLine(assertion.getMessage()) + "\t" + oneLine(context));
                    }
                    for (Map.Entry<String, Integer> entry : counts.entrySet()) {
                        System.out.println("FAIL\t" + entry.getKey() + "\t" + entry.getValue() + "\t" + first.get(entry.getKey()));
                    }
                } catch (Exception error) {
                    failed++;
                    System.out.println("FILE\t" + path + "\terror");
                    System.out.println("FAIL\tparse\t1\t" + oneLine(String.valueOf(error)) + "\t");
                }
            }
        }
        System.out.flush();
        System.exit(failed == 0 ? 0 : 1);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
