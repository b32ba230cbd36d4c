"""Signs in to the operator's page and waits until its problems list holds every expected text (Vietnamese).

Usage: page_problems.py BASE_URL PASSWORD TEXT…
Prints the list it saw; exits non-zero when a text never showed.
"""
import sys
from selenium.webdriver.common.by import By
from phone_chromium import open_browser, sign_in, step

base, password, expected = sys.argv[1], sys.argv[2], sys.argv[3:]
driver, wait = open_browser()
try:
    sign_in(driver, wait, base, password)
    wait.until(lambda d: d.find_element(By.ID, "problems").is_displayed()
               and all(t in d.find_element(By.ID, "problemList").text for t in expected))
    step("problems shown: " + driver.find_element(By.ID, "problemList").text.replace("\n", " | "))
except Exception as error:
    print("failed:", repr(error), driver.find_element(By.TAG_NAME, "body").text[:2000], file=sys.stderr)
    sys.exit(1)
finally:
    driver.quit()
