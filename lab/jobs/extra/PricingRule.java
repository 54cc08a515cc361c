// A class that is packaged in a separate jar, not in the job jar (for the missing-class case).
package labextra;

public class PricingRule implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public int factor = 3;
}
