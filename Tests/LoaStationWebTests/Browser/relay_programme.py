"""Signs in to the operator's page and waits until today's programme shows the relay and its outage (Vietnamese).

Usage: relay_programme.py BASE_URL PASSWORD RELAY_NAME OUTAGE_TEXT
Prints the programme row it saw; exits non-zero when it never showed.
"""
import sys
from selenium.webdriver.common.by import By
from phone_chromium import open_browser, sign_in, step

base, password, name, outage = sys.argv[1:5]
driver, wait = open_browser()
try:
    sign_in(driver, wait, base, password)

    def relay_row(d):
        rows = [r.text for r in d.find_elements(By.CSS_SELECTOR, "#programme tr")]
        return next((r for r in rows if "Tiếp sóng " + name in r and "Mất tín hiệu" in r and outage in r), None)

    row = wait.until(relay_row)
    step("relay shown: " + row.replace("\n", " | "))
except Exception as error:
    print("failed:", repr(error), driver.find_element(By.TAG_NAME, "body").text[:2000], file=sys.stderr)
    sys.exit(1)
finally:
    driver.quit()
