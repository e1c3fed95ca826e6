"""The portal: the web pages of a district IMC or of the inter-municipal centre."""
